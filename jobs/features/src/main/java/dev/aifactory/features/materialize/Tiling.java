package dev.aifactory.features.materialize;

import dev.aifactory.features.definition.FeatureView;
import java.io.Serializable;

/**
 * The time arithmetic of a view's per-event features. Events are kept in tiles of two sizes:
 * fine tiles one slide long, and coarse tiles of an hour. Each window moves in hops of one tile
 * size: windows up to an hour hop by the slide, longer ones by the hour.
 *
 * <p>The vector as of time {@code t} counts, for a window {@code w} with hop {@code h}, the
 * events with time in {@code [floor(t, h) - w, t]}: the head from {@code floor(t, h)} to
 * {@code t} is exact to the millisecond, and the tail starts on a hop boundary (Chronon's
 * "sawtooth"), so a window holds between {@code w} and {@code w + h} of history. An event's own
 * vector counts the event itself but no other event of the same millisecond, so two concurrent
 * events give the same vectors whichever arrives first. That is what
 * keeps the work per event independent of how many events an entity has: the body
 * {@code [floor(t, h) - w, floor(t, h))} is a fixed set of whole tiles, merged once per hop and
 * cached, and the head is one tile (or, for an event that arrives behind newer ones, the fine
 * tiles and raw events of the current hop).
 */
public final class Tiling implements Serializable {

  /** The coarse tile, and the hop of every window longer than it. */
  public static final long COARSE_MILLIS = 3_600_000L;
  /**
   * How much further than the allowed lateness behind the watermark tiles are kept. Whether an
   * event counts is decided by when it arrived ({@code ArrivalTime}), which every reader sees
   * alike; the watermark is not (after a restart, silver partitions are read at different paces).
   * The tiles an on-time event needs must therefore outlive a watermark that ran ahead of it: by
   * this margin, about 0.6 % more state on a 7-day TTL.
   */
  public static final long WATERMARK_MARGIN_MILLIS = COARSE_MILLIS;

  private final long fine;
  private final long[] windows;
  private final long[] hops;
  private final long ttl;
  private final long lateness;
  private final long retention;

  public Tiling(FeatureView view) {
    fine = view.slideMillis();
    if (COARSE_MILLIS % fine != 0) {
      throw new IllegalArgumentException(view.id() + ": the slide must divide an hour, not " + fine + " ms");
    }
    windows = view.windows();
    hops = new long[windows.length];
    for (int i = 0; i < windows.length; i++) {
      hops[i] = windows[i] > COARSE_MILLIS ? COARSE_MILLIS : fine;
      if (windows[i] % hops[i] != 0) {
        throw new IllegalArgumentException(view.id() + ": a window over an hour must be whole hours, not " + windows[i] + " ms");
      }
    }
    ttl = view.ttlMillis();
    lateness = view.allowedLatenessMillis();
    // Every tile an accepted event can need: its longest window reaches one coarse hop further
    // back, the TTL check looks back ttl, and an event may be up to the horizon behind the watermark.
    long needed = Math.max(view.maxWindowMillis() + COARSE_MILLIS, ttl + fine) + horizon() + COARSE_MILLIS;
    retention = Math.floorDiv(needed + fine - 1, fine) * fine;
  }

  public static long floor(long t, long size) {
    return Math.floorDiv(t, size) * size;
  }

  public int windowCount() {
    return windows.length;
  }

  public long window(int i) {
    return windows[i];
  }

  public long hop(int i) {
    return hops[i];
  }

  public boolean coarse(int i) {
    return hops[i] == COARSE_MILLIS;
  }

  public long fine() {
    return fine;
  }

  public long ttl() {
    return ttl;
  }

  /**
   * How far behind the watermark an event may be and still find every tile it needs: the allowed
   * lateness plus {@link #WATERMARK_MARGIN_MILLIS}.
   */
  public long horizon() {
    return lateness + WATERMARK_MARGIN_MILLIS;
  }

  /**
   * Whether an event at {@code eventTime} is beyond the {@link #horizon()} behind the watermark,
   * where the tiles it needs may be gone. Only an event that arrived on time yet reaches the
   * operator that far behind (a partition read more than an hour behind another) is refused
   * for it. {@code Long.MIN_VALUE}, no watermark yet, is behind nothing.
   */
  public boolean beyondHorizon(long eventTime, long watermark) {
    return watermark != Long.MIN_VALUE && eventTime < watermark - horizon();
  }

  /** The start of the hop that holds {@code t} for window {@code i}: its body ends there, its head starts there. */
  public long epoch(int i, long t) {
    return floor(t, hops[i]);
  }

  /** How long a tile is kept after it starts; a multiple of the slide. */
  public long retention() {
    return retention;
  }

  /** When the tile starting at {@code start} is dropped: one millisecond off the slide grid, so it is told apart from emissions. */
  public long cleanupTime(long start) {
    return start + retention + 1;
  }

  public boolean isCleanup(long timer) {
    return Math.floorMod(timer, fine) == 1;
  }

  public boolean isEmission(long timer) {
    return Math.floorMod(timer, fine) == 0;
  }

  /** The tile a cleanup timer drops. */
  public long cleanedTile(long timer) {
    return timer - 1 - retention;
  }
}
