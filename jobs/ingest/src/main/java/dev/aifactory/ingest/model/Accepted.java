package dev.aifactory.ingest.model;

import org.apache.avro.generic.GenericRecord;

/**
 * A message that decoded against its domain's contract. It goes to bronze whatever happens next;
 * {@code violatedRule} is set when a quality rule keeps it out of silver. The payload travels as
 * bytes (not as a decoded record) so every operator boundary uses Flink's POJO serializer.
 */
public class Accepted {
  public String domain;
  public String topic;
  public int partition;
  public long offset;
  public long kafkaTimestamp;
  public byte[] key;
  public byte[] payload;
  public String schemaRef;
  public long schemaFingerprint;
  public int schemaVersion;
  public String eventId;
  public long eventTime;
  public long ingestTime;
  public String violatedRule;
  public String violationDetail;
  /** Bit i set: the domain's rule i was violated (the dq table counts every rule, not just the first). */
  public long violationMask;
  /**
   * Comma-separated writer fields the contract could not map (a rename it has no alias for), or
   * null: silver holds the contract's default for them, bronze the value as written.
   */
  public String unmappedFields;
  /**
   * The payload as written, when the edge decode already produced it (the writer schema is the
   * contract). Transient: it never crosses a network boundary, it only saves operators chained
   * to the source a second decode; anyone who finds it null decodes {@link #payload}.
   */
  public transient GenericRecord asWritten;

  public Accepted() {}

  public static Accepted of(String domain, RawRecord raw, String schemaRef, long fingerprint, int version,
      String eventId, long eventTime, long ingestTime) {
    Accepted a = new Accepted();
    a.domain = domain;
    a.topic = raw.topic;
    a.partition = raw.partition;
    a.offset = raw.offset;
    a.kafkaTimestamp = raw.timestamp;
    a.key = raw.key;
    a.payload = raw.value;
    a.schemaRef = schemaRef;
    a.schemaFingerprint = fingerprint;
    a.schemaVersion = version;
    a.eventId = eventId;
    a.eventTime = eventTime;
    a.ingestTime = ingestTime;
    return a;
  }

  public boolean passedQuality() {
    return violatedRule == null;
  }

  /** Key for deduplication: event ids are unique within a domain. */
  public String dedupKey() {
    return domain + '\u0000' + eventId;
  }
}
