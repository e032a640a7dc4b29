package dev.aifactory.ingest.model;

/**
 * A message kept out of silver, with why: {@code stage} is {@code decode} (it could not be read;
 * not in bronze) or {@code quality} (it broke a rule; also in bronze). Original bytes and Kafka
 * coordinates are kept so it can be inspected and replayed.
 */
public class Quarantined {
  public static final String DECODE = "decode";
  public static final String QUALITY = "quality";

  public String domain;
  public String stage;
  public String reason;
  public String detail;
  public String topic;
  public int partition;
  public long offset;
  public long kafkaTimestamp;
  public byte[] key;
  public byte[] payload;
  public String schemaRef;
  public String eventId;
  public long quarantinedAt;

  public Quarantined() {}

  public static Quarantined undecodable(String domain, RawRecord raw, String reason, String detail, long now) {
    return of(domain, DECODE, reason, detail, raw.topic, raw.partition, raw.offset, raw.timestamp, raw.key, raw.value, now);
  }

  public static Quarantined ruleViolation(Accepted a, long now) {
    Quarantined q = of(a.domain, QUALITY, a.violatedRule, a.violationDetail, a.topic, a.partition, a.offset,
        a.kafkaTimestamp, a.key, a.payload, now);
    q.schemaRef = a.schemaRef;
    q.eventId = a.eventId;
    return q;
  }

  private static Quarantined of(String domain, String stage, String reason, String detail, String topic, int partition,
      long offset, long kafkaTimestamp, byte[] key, byte[] payload, long now) {
    Quarantined q = new Quarantined();
    q.domain = domain;
    q.stage = stage;
    q.reason = reason;
    q.detail = detail;
    q.topic = topic;
    q.partition = partition;
    q.offset = offset;
    q.kafkaTimestamp = kafkaTimestamp;
    q.key = key;
    q.payload = payload;
    q.quarantinedAt = now;
    return q;
  }
}
