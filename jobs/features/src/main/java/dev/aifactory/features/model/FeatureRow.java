package dev.aifactory.features.model;

/**
 * A feature vector of one entity, valid from {@code validFrom} (event time: an event's own time,
 * or a slide boundary where the features decayed) until the entity's next row. {@code emittedAtMicros} is when the job produced it, in
 * microseconds and strictly increasing per operator instance: a late event makes a corrected row
 * for the same {@code validFrom} with a later {@code emittedAtMicros}, so the newest row for a
 * {@code validFrom} is always well defined, and a point-in-time read can bound by both. A tombstone says the entity expired (TTL): no values.
 * Values follow the view's feature order; NaN means no value (an empty window).
 */
public class FeatureRow {
  /** A row computed for an event at its arrival: the vector served with it. */
  public static final String EVENT = "EVENT";
  /** A row at a time no event came: a tile left a window (features decay), or the TTL passed (a tombstone). */
  public static final String DECAY = "DECAY";
  /** The newest row again, recomputed because an event arrived behind newer ones. */
  public static final String CORRECTION = "CORRECTION";

  public String entity;
  /** The event this row was computed for ({@link #EVENT} rows), else null. */
  public String eventId;
  public String kind;
  public long validFrom;
  public long emittedAtMicros;
  public boolean tombstone;
  public double[] values;
  /** No row with a later {@code validFrom} was emitted before this one: it may update the online store. */
  public boolean latest;

  public FeatureRow() {}

  public FeatureRow(String entity, long validFrom, long emittedAtMicros, boolean tombstone, double[] values) {
    this.entity = entity;
    this.validFrom = validFrom;
    this.emittedAtMicros = emittedAtMicros;
    this.tombstone = tombstone;
    this.values = values;
  }
}
