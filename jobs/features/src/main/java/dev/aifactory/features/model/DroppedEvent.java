package dev.aifactory.features.model;

/**
 * A source event that changed no feature, with why: {@code LATE} (older than the watermark less
 * the allowed lateness) or {@code UNREADABLE} (the source record did not decode). Stored, never
 * dropped silently.
 */
public class DroppedEvent {
  public static final String LATE = "LATE";
  public static final String UNREADABLE = "UNREADABLE";
  /** An entity key that is empty or longer than {@link #MAX_ENTITY_KEY_CHARS}: it would key state and the online store. */
  public static final String INVALID_ENTITY_KEY = "INVALID_ENTITY_KEY";
  /** An event time before 2000 or more than a day ahead: event-time state and timers would be wrong. */
  public static final String EVENT_TIME_OUT_OF_RANGE = "EVENT_TIME_OUT_OF_RANGE";
  public static final int MAX_ENTITY_KEY_CHARS = 256;
  public static final long MIN_EVENT_TIME = 946_684_800_000L; // 2000-01-01T00:00:00Z

  public String reason;
  public String detail;
  public String entity;
  public String eventId;
  public long eventTime;
  public long watermark;
  public long droppedAt;

  public DroppedEvent() {}

  public DroppedEvent(String reason, String detail, String entity, String eventId, long eventTime, long watermark,
      long droppedAt) {
    this.reason = reason;
    this.detail = detail;
    this.entity = entity;
    this.eventId = eventId;
    this.eventTime = eventTime;
    this.watermark = watermark;
    this.droppedAt = droppedAt;
  }
}
