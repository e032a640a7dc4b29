package dev.aifactory.common.deadletter;

import dev.aifactory.common.Sha256;
import java.util.Arrays;

/**
 * A record a job set aside instead of processing, with why: the one dead-letter record of every
 * job (ingest's quarantine, the features job's and the scoring job's dropped events, the cost
 * job's rejected usage). Each job writes its own table in one layout ({@link DeadLetterTable}),
 * so one query over them finds every rejected record.
 *
 * <p>Fields a job does not know stay null: only ingest has the original bytes, only the
 * features and scoring jobs have an entity and a watermark. The original is kept up to a limit,
 * with the whole message's length and SHA-256 and its Kafka coordinates, so a dead letter can
 * never be too large for its sinks and the full message stays findable in the source topic.
 */
public class DeadLetter {
  /** Longest detail text kept: exception messages and rule details can quote the input. */
  public static final int MAX_DETAIL_CHARS = 2_000;
  /** Longest identifier kept (entity, event id, subject): hostile input can carry a million characters. */
  public static final int MAX_ID_CHARS = 256;

  /** {@code ingest}, {@code features}, {@code scoring} or {@code cost}. */
  public String job;
  /** Where in the job it was set aside: ingest's {@code decode} or {@code quality}, {@code features}, {@code usage}. */
  public String stage;
  /** A reason code, or the name of the rule it broke. */
  public String reason;
  public String detail;
  /** What it was meant for: ingest's domain, the feature view, the cost resource. */
  public String subject;
  /** The feature view's version; null for subjects without one. */
  public Integer subjectVersion;
  /** The entity key (a token after ingest), where the record had one. */
  public String entity;
  public String eventId;
  /** Epoch millis; null when the record had no usable event time. */
  public Long eventTime;
  /** The operator's watermark when it judged the record, epoch millis; null when none had arrived. */
  public Long watermark;
  public String topic;
  public Integer partition;
  public Long offset;
  public Long kafkaTimestamp;
  /** The original key, cut at the limit. */
  public byte[] key;
  /** The original message bytes, cut at the limit; see {@link #originalLength}. */
  public byte[] payload;
  /** Length of the whole original payload. */
  public Integer originalLength;
  /** SHA-256 of the whole original payload, hex. */
  public String originalSha256;
  /** The writer schema it was read with, where known. */
  public String schemaRef;
  /** When the job set it aside, epoch millis. */
  public long recordedAt;

  public DeadLetter() {}

  /** A dead letter of {@code job} at {@code stage}: the other fields are set by the {@code with} methods. */
  public static DeadLetter of(String job, String stage, String reason, String detail, long recordedAt) {
    DeadLetter d = new DeadLetter();
    d.job = job;
    d.stage = stage;
    d.reason = reason;
    d.detail = bounded(detail, MAX_DETAIL_CHARS);
    d.recordedAt = recordedAt;
    return d;
  }

  public DeadLetter withSubject(String subject, Integer version) {
    this.subject = bounded(subject, MAX_ID_CHARS);
    this.subjectVersion = version;
    return this;
  }

  /** The event it was: ids are cut at {@link #MAX_ID_CHARS}, an event time of {@code Long.MIN_VALUE} is none. */
  public DeadLetter withEvent(String entity, String eventId, long eventTime) {
    this.entity = bounded(entity, MAX_ID_CHARS);
    this.eventId = bounded(eventId, MAX_ID_CHARS);
    this.eventTime = eventTime == Long.MIN_VALUE ? null : eventTime;
    return this;
  }

  /** The watermark it was judged against; {@code Long.MIN_VALUE} (none yet) is stored as null. */
  public DeadLetter withWatermark(long watermark) {
    this.watermark = watermark == Long.MIN_VALUE ? null : watermark;
    return this;
  }

  public DeadLetter withSource(String topic, int partition, long offset, long kafkaTimestamp) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.kafkaTimestamp = kafkaTimestamp;
    return this;
  }

  /** The original key and message, each cut at {@code maxBytes}; the whole message's length and SHA-256 are kept. */
  public DeadLetter withOriginal(byte[] key, byte[] payload, int maxBytes) {
    // The key counts toward the same limit: a hostile key is as large as a hostile payload.
    this.key = key == null || key.length <= maxBytes ? key : Arrays.copyOf(key, maxBytes);
    byte[] original = payload == null ? new byte[0] : payload;
    this.payload = original.length <= maxBytes ? original : Arrays.copyOf(original, maxBytes);
    this.originalLength = original.length;
    this.originalSha256 = Sha256.hex(original);
    return this;
  }

  public DeadLetter withSchemaRef(String schemaRef) {
    this.schemaRef = schemaRef;
    return this;
  }

  /** {@code s} cut at {@code maxChars}, saying how long it was. */
  public static String bounded(String s, int maxChars) {
    if (s == null || s.length() <= maxChars) {
      return s;
    }
    return s.substring(0, maxChars) + "... (" + s.length() + " chars)";
  }

  @Override
  public String toString() {
    return job + "/" + stage + " " + reason + (subject == null ? "" : " " + subject) + (eventId == null ? "" : " event " + eventId);
  }
}
