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
    Quarantined q = new Quarantined();
    q.domain = domain;
    q.stage = DECODE;
    q.reason = reason;
    q.detail = detail;
    q.topic = raw.topic;
    q.partition = raw.partition;
    q.offset = raw.offset;
    q.kafkaTimestamp = raw.timestamp;
    q.key = raw.key;
    q.payload = raw.value;
    q.quarantinedAt = now;
    return q;
  }

  public static Quarantined ruleViolation(Accepted a, long now) {
    Quarantined q = new Quarantined();
    q.domain = a.domain;
    q.stage = QUALITY;
    q.reason = a.violatedRule;
    q.detail = a.violationDetail;
    q.topic = a.topic;
    q.partition = a.partition;
    q.offset = a.offset;
    q.kafkaTimestamp = a.kafkaTimestamp;
    q.key = a.key;
    q.payload = a.payload;
    q.schemaRef = a.schemaRef;
    q.eventId = a.eventId;
    q.quarantinedAt = now;
    return q;
  }
}
