package dev.aifactory.ingest.model;

/**
 * A message whose writer schema could not be fetched because the registry was unavailable: not
 * bad data, so it waits (whole, as it arrived) to be decoded again, instead of being quarantined.
 */
public class Parked {
  public RawRecord raw;
  /** When it was first parked: after {@code ingest.registry.park-max} it is quarantined. */
  public long parkedAt;
  public String detail;

  public Parked() {}

  public Parked(RawRecord raw, long parkedAt, String detail) {
    this.raw = raw;
    this.parkedAt = parkedAt;
    this.detail = detail;
  }

  /** Parked messages wait per Kafka partition, so those of one partition are retried in order. */
  public String partitionKey() {
    return raw.topic + "/" + raw.partition;
  }
}
