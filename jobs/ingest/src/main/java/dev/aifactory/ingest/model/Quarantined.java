package dev.aifactory.ingest.model;

import dev.aifactory.common.deadletter.DeadLetter;

/**
 * Ingest's dead letters: a message kept out of silver, with why. Its stage is {@link #DECODE}
 * (it could not be read; not in bronze) or {@link #QUALITY} (it broke a rule, or repeated an
 * event id with other content; also in bronze). Each keeps the original bytes up to the limit,
 * with the whole message's length and SHA-256 and its Kafka coordinates.
 */
public final class Quarantined {
  public static final String JOB = "ingest";
  public static final String DECODE = "decode";
  public static final String QUALITY = "quality";
  /** Reason of a record whose event id was seen before with different content. */
  public static final String CONFLICTING_DUPLICATE = "CONFLICTING_DUPLICATE";

  private Quarantined() {}

  public static DeadLetter undecodable(String domain, RawRecord raw, String reason, String detail, long now,
      int maxOriginalBytes) {
    return DeadLetter.of(JOB, DECODE, reason, detail, now).withSubject(domain, null)
        .withSource(raw.topic, raw.partition, raw.offset, raw.timestamp)
        .withOriginal(raw.key, raw.value, maxOriginalBytes);
  }

  public static DeadLetter ruleViolation(Accepted a, long now, int maxOriginalBytes) {
    return ofAccepted(a, a.violatedRule, a.violationDetail, now, maxOriginalBytes);
  }

  /** A record that decoded and passed the rules but whose event id came before with other content. */
  public static DeadLetter conflictingDuplicate(Accepted a, String detail, long now, int maxOriginalBytes) {
    return ofAccepted(a, CONFLICTING_DUPLICATE, detail, now, maxOriginalBytes);
  }

  // No entity and no event time: the record is quarantined as written, before any field is
  // trusted, and its raw values stay in the restricted quarantine zone's payload.
  private static DeadLetter ofAccepted(Accepted a, String reason, String detail, long now, int maxOriginalBytes) {
    DeadLetter d = DeadLetter.of(JOB, QUALITY, reason, detail, now).withSubject(a.domain, null)
        .withSource(a.topic, a.partition, a.offset, a.kafkaTimestamp)
        .withOriginal(a.key, a.payload, maxOriginalBytes)
        .withSchemaRef(a.schemaRef);
    d.eventId = DeadLetter.bounded(a.eventId, DeadLetter.MAX_ID_CHARS);
    return d;
  }
}
