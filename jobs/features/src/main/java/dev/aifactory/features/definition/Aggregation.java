package dev.aifactory.features.definition;

/**
 * The aggregations a feature may use. Each is computed from per-slice partial aggregates that
 * merge (see {@code aggregate.Slice}), so a window's value never needs its raw events.
 */
public enum Aggregation {
  /** Number of events. */
  COUNT(false, true),
  SUM(true, false),
  AVG(true, false),
  MIN(true, false),
  MAX(true, false),
  /** Approximate number of distinct values of a field (HyperLogLog). */
  APPROX_DISTINCT(true, true),
  /** The field's value in the latest event of the window. */
  LAST(true, false),
  /** Seconds from the newest earlier event in the window (before the time the vector is for) to that time. */
  TIME_SINCE_LAST(false, false);

  private final boolean needsField;
  private final boolean integral;

  Aggregation(boolean needsField, boolean integral) {
    this.needsField = needsField;
    this.integral = integral;
  }

  public boolean needsField() {
    return needsField;
  }

  /** Whether values are whole numbers (stored as long columns); the others are doubles. */
  public boolean integral() {
    return integral;
  }

  /** Whether the field must be numeric (distinct counts take any field). */
  public boolean needsNumericField() {
    return needsField && this != APPROX_DISTINCT;
  }
}
