package dev.aifactory.cost.model;

/** A usage record the cost job could not use, with why: stored, never dropped silently. */
public class Rejected {
  public static final String LATE = "LATE";
  public static final String UNDECODABLE = "UNDECODABLE";
  public static final String INVALID = "INVALID";

  public String reason;
  public String detail;
  public String eventId;
  public String resourceId;
  public long eventTime;
  public long watermark;
  public long rejectedAt;

  public Rejected() {}

  public Rejected(String reason, String detail, String eventId, String resourceId, long eventTime, long watermark, long rejectedAt) {
    this.reason = reason;
    this.detail = detail;
    this.eventId = eventId;
    this.resourceId = resourceId;
    this.eventTime = eventTime;
    this.watermark = watermark;
    this.rejectedAt = rejectedAt;
  }
}
