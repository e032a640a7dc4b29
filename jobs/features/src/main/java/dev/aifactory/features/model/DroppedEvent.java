package dev.aifactory.features.model;

import dev.aifactory.common.deadletter.DeadLetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The features job's dead letters: a source event that changed no feature, with why. Stored,
 * never dropped silently. The scoring job, which runs the same feature code, stores them as its
 * unscored events; the sink names the job and the feature view ({@code DroppedRows}).
 */
public final class DroppedEvent {
  public static final String JOB = "features";
  public static final String STAGE = "features";
  /** Arrived more than the allowed lateness after it happened, or reached the operator beyond the watermark horizon. */
  public static final String LATE = "LATE";
  /** The source record did not decode. */
  public static final String UNREADABLE = "UNREADABLE";
  /** An entity key that is empty or longer than {@link #MAX_ENTITY_KEY_CHARS}: it would key state and the online store. */
  public static final String INVALID_ENTITY_KEY = "INVALID_ENTITY_KEY";
  /** An event time before 2000 or more than a day ahead: event-time state and timers would be wrong. */
  public static final String EVENT_TIME_OUT_OF_RANGE = "EVENT_TIME_OUT_OF_RANGE";
  public static final int MAX_ENTITY_KEY_CHARS = 256;
  public static final long MIN_EVENT_TIME = 946_684_800_000L; // 2000-01-01T00:00:00Z

  private DroppedEvent() {}

  /** A source record that did not decode: only where it came from is known. */
  public static DeadLetter unreadable(ConsumerRecord<?, ?> record, String detail) {
    return DeadLetter.of(JOB, STAGE, UNREADABLE, detail, System.currentTimeMillis())
        .withSource(record.topic(), record.partition(), record.offset(), record.timestamp());
  }

  /** A decoded record whose key or event time would break keyed state, timers or the online store. */
  public static DeadLetter invalid(String reason, ConsumerRecord<?, ?> record, String entity, String eventId, long eventTime) {
    return DeadLetter.of(JOB, STAGE, reason, null, System.currentTimeMillis())
        .withSource(record.topic(), record.partition(), record.offset(), record.timestamp())
        .withEvent(entity, eventId, eventTime);
  }

  /** An event that reached the factory more than the allowed lateness after it happened (see {@code ArrivalTime}). */
  public static DeadLetter arrivedLate(String entity, String eventId, long eventTime, long arrivalTime, long allowedLatenessMillis) {
    return DeadLetter.of(JOB, STAGE, LATE, "arrived " + (arrivalTime - eventTime) + " ms after it happened (allowed lateness "
            + allowedLatenessMillis + " ms)", System.currentTimeMillis())
        .withEvent(entity, eventId, eventTime);
  }

  /** An event that arrived on time but reaches the operator beyond the watermark horizon, where its tiles may be gone. */
  public static DeadLetter late(String detail, String entity, String eventId, long eventTime, long watermark) {
    return DeadLetter.of(JOB, STAGE, LATE, detail, System.currentTimeMillis())
        .withEvent(entity, eventId, eventTime).withWatermark(watermark);
  }
}
