package dev.aifactory.cost.model;

import dev.aifactory.common.deadletter.DeadLetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The cost job's dead letters: a usage record it could not use, with why. Stored, never dropped silently. */
public final class Rejected {
  public static final String JOB = "cost";
  public static final String STAGE = "usage";
  public static final String LATE = "LATE";
  public static final String UNDECODABLE = "UNDECODABLE";
  public static final String INVALID = "INVALID";

  private Rejected() {}

  /**
   * A usage record of {@code resourceId} the job read but could not use. {@code Long.MIN_VALUE}
   * for the event time or the watermark means it had none.
   */
  public static DeadLetter of(String reason, String detail, String eventId, String resourceId, long eventTime, long watermark,
      long rejectedAt) {
    return DeadLetter.of(JOB, STAGE, reason, detail, rejectedAt).withSubject(resourceId, null)
        .withEvent(null, eventId, eventTime).withWatermark(watermark);
  }

  /** A message on the usage topic that did not decode: only where it came from is known. */
  public static DeadLetter undecodable(ConsumerRecord<?, ?> record, String detail) {
    return DeadLetter.of(JOB, STAGE, UNDECODABLE, detail, System.currentTimeMillis())
        .withSource(record.topic(), record.partition(), record.offset(), record.timestamp());
  }
}
