package dev.aifactory.features.consistency;

import dev.aifactory.features.aggregate.Slice;
import dev.aifactory.features.aggregate.WindowAggregates;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.materialize.Tiling;
import dev.aifactory.features.model.FeatureInput;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The window rule of {@link Tiling} applied directly to a complete list of one entity's events:
 * no tiles, no caches, no arrival order. The operator must give the same vector for an event
 * that arrived in order; consistency checks and tests use this as the offline truth.
 */
public final class OfflineVectors {

  private final FeatureView view;
  private final Tiling tiling;
  private final WindowAggregates aggregates;

  public OfflineVectors(FeatureView view) {
    this.view = view;
    this.tiling = new Tiling(view);
    this.aggregates = new WindowAggregates(view);
  }

  /** The vector as of {@code t} over {@code events} (one entity's; a repeated event id counts once). */
  public double[] asOf(long t, Collection<FeatureInput> events) {
    return asOf(t, null, events);
  }

  /** The vector of event {@code eventId} at {@code t}: of the events at exactly {@code t}, only itself counts. */
  public double[] asOf(long t, String eventId, Collection<FeatureInput> events) {
    WindowAggregates.Merged[] merged = aggregates.start();
    long[] lastBefore = new long[merged.length];
    for (int i = 0; i < merged.length; i++) {
      long from = tiling.epoch(i, t) - tiling.window(i);
      Slice in = Slice.empty(view.numericFields().size(), view.distinctFields().size());
      long last = Long.MIN_VALUE;
      Set<String> seen = new HashSet<>();
      for (FeatureInput e : events) {
        boolean counts = e.eventTime < t || e.eventTime == t && (eventId == null || eventId.equals(e.eventId));
        if (e.eventTime >= from && counts && seen.add(e.eventId)) {
          in.add(e);
          if (e.eventTime < t) {
            last = Math.max(last, e.eventTime);
          }
        }
      }
      merged[i].add(in);
      lastBefore[i] = last;
    }
    return aggregates.values(merged, t, lastBefore);
  }
}
