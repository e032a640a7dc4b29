package dev.aifactory.ingest.model;

import dev.aifactory.common.Sha256;
import java.util.Arrays;

/**
 * A message kept out of silver, with why: {@code stage} is {@code decode} (it could not be read;
 * not in bronze) or {@code quality} (it broke a rule; also in bronze). The original bytes are
 * kept up to a limit, with the whole message's length and SHA-256, and the Kafka coordinates: a
 * quarantine record can never be too large for its sinks, and the full message stays findable
 * (and verifiable) in the source topic.
 */
public class Quarantined {
  public static final String DECODE = "decode";
  public static final String QUALITY = "quality";
  /** Reason of a record whose event id was seen before with different content. */
  public static final String CONFLICTING_DUPLICATE = "CONFLICTING_DUPLICATE";
  /** Longest detail text kept: exception messages can quote the input. */
  public static final int MAX_DETAIL_CHARS = 2_000;

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
  /** Length of the whole original payload; {@link #payload} holds at most the limit's first bytes. */
  public int originalLength;
  /** SHA-256 of the whole original payload, hex. */
  public String originalSha256;

  public Quarantined() {}

  public static Quarantined undecodable(String domain, RawRecord raw, String reason, String detail, long now,
      int maxOriginalBytes) {
    return of(domain, DECODE, reason, detail, raw.topic, raw.partition, raw.offset, raw.timestamp, raw.key, raw.value, now,
        maxOriginalBytes);
  }

  public static Quarantined ruleViolation(Accepted a, long now, int maxOriginalBytes) {
    return ofAccepted(a, QUALITY, a.violatedRule, a.violationDetail, now, maxOriginalBytes);
  }

  /** A record that decoded and passed the rules but whose event id came before with other content. */
  public static Quarantined conflictingDuplicate(Accepted a, String detail, long now, int maxOriginalBytes) {
    return ofAccepted(a, QUALITY, CONFLICTING_DUPLICATE, detail, now, maxOriginalBytes);
  }

  private static Quarantined ofAccepted(Accepted a, String stage, String reason, String detail, long now, int maxOriginalBytes) {
    Quarantined q = of(a.domain, stage, reason, detail, a.topic, a.partition, a.offset, a.kafkaTimestamp, a.key, a.payload,
        now, maxOriginalBytes);
    q.schemaRef = a.schemaRef;
    q.eventId = bounded(a.eventId, 256);
    return q;
  }

  private static Quarantined of(String domain, String stage, String reason, String detail, String topic, int partition,
      long offset, long kafkaTimestamp, byte[] key, byte[] payload, long now, int maxOriginalBytes) {
    Quarantined q = new Quarantined();
    q.domain = domain;
    q.stage = stage;
    q.reason = reason;
    q.detail = bounded(detail, MAX_DETAIL_CHARS);
    q.topic = topic;
    q.partition = partition;
    q.offset = offset;
    q.kafkaTimestamp = kafkaTimestamp;
    // The key counts toward the same limit: a hostile key is as large as a hostile payload.
    q.key = key == null || key.length <= maxOriginalBytes ? key : Arrays.copyOf(key, maxOriginalBytes);
    byte[] original = payload == null ? new byte[0] : payload;
    q.payload = original.length <= maxOriginalBytes ? original : Arrays.copyOf(original, maxOriginalBytes);
    q.originalLength = original.length;
    q.originalSha256 = sha256(original);
    q.quarantinedAt = now;
    return q;
  }

  /** Whether {@link #payload} is the whole original message. */
  public boolean wholeOriginal() {
    return payload != null && payload.length == originalLength;
  }

  static String bounded(String s, int maxChars) {
    if (s == null || s.length() <= maxChars) {
      return s;
    }
    return s.substring(0, maxChars) + "... (" + s.length() + " chars)";
  }

  private static String sha256(byte[] bytes) {
    return Sha256.hex(bytes);
  }
}
