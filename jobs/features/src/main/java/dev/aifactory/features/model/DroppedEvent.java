package dev.aifactory.features.model;

/**
 * A source event that changed no feature, with why: {@code LATE} (older than the watermark less
 * the allowed lateness) or {@code UNREADABLE} (the source record did not decode). Stored, never
 * dropped silently.
 */
public class DroppedEvent {
  public static final String LATE = "LATE";
  public static final String UNREADABLE = "UNREADABLE";

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
