package dev.aifactory.ingest.model;

/** A Kafka message as it arrived: bytes untouched, with the coordinates that make it traceable. */
public class RawRecord {
  public String topic;
  public int partition;
  public long offset;
  public long timestamp;
  public byte[] key;
  public byte[] value;

  public RawRecord() {}

  public RawRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
  }

  public String coordinates() {
    return topic + "/" + partition + "@" + offset;
  }
}
