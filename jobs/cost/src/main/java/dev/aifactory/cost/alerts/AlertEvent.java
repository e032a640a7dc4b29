package dev.aifactory.cost.alerts;

/** A guardrail changing state; written to {@code alerts.cost} as Avro {@code CostAlert}. */
public class AlertEvent {
  public static final String BUDGET_BURN_RATE = "BUDGET_BURN_RATE";
  public static final String IDLE_ACCELERATOR = "IDLE_ACCELERATOR";

  public String alertId;
  public String rule;
  /** RAISED or CLEARED. */
  public String state;
  public String subject;
  public double value;
  public double threshold;
  public long windowEnd;
  public String message;

  public AlertEvent() {}

  public AlertEvent(String alertId, String rule, String state, String subject, double value, double threshold, long windowEnd,
      String message) {
    this.alertId = alertId;
    this.rule = rule;
    this.state = state;
    this.subject = subject;
    this.value = value;
    this.threshold = threshold;
    this.windowEnd = windowEnd;
    this.message = message;
  }
}
