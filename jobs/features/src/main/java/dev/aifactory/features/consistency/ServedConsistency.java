package dev.aifactory.features.consistency;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.FeatureInput;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Served versus offline, event by event, in the style of Chronon's consistency metrics: for each
 * event that was scored, the vector it was served (from {@code gold.predictions}) against the
 * vector recomputed offline from every event of its entity in silver ({@link OfflineVectors}).
 *
 * <ul>
 *   <li><b>mismatch</b> per feature: served and offline differ (NaN equals NaN);
 *   <li><b>missing</b>: silver events of the checked entities in the served time range that were
 *       never served; <b>extra</b>: served events silver does not hold;
 *   <li><b>SMAPE</b> per feature: the mean of {@code |s - o| / ((|s| + |o|) / 2)} over compared
 *       events where both are numbers (0 where both are 0), so a large share of tiny differences
 *       reads apart from a few large ones.
 * </ul>
 *
 * In an in-order stream every served vector equals the offline one. A mismatch means the event
 * was served before an earlier event of its entity arrived, or an event counted was later lost.
 */
public final class ServedConsistency {

  private ServedConsistency() {}

  /** One served event: its vector in the view's feature order, NaN where missing. */
  public record Served(String eventId, String entity, long eventTime, double[] values) {}

  /** The comparison: counts of events, mismatches and SMAPE per feature, a few examples. */
  public record Result(long compared, long mismatchedEvents, long missing, long extra, Map<String, Long> mismatches,
      Map<String, Double> smape, List<String> examples) {

    public double ratio(long n) {
      return compared == 0 ? 0 : n / (double) compared;
    }

    /** A readable summary: the event counts, then one line per feature. */
    public String format() {
      StringBuilder out = new StringBuilder(String.format(
          "compared %d served events: %d mismatched (%.4f), %d missing (%.4f), %d extra (%.4f)%n",
          compared, mismatchedEvents, ratio(mismatchedEvents), missing, ratio(missing), extra, ratio(extra)));
      mismatches.forEach((f, n) -> out.append(String.format("  %-24s mismatch %.4f (%d)  SMAPE %.6f%n", f, ratio(n), n, smape.get(f))));
      if (!examples.isEmpty()) {
        out.append("examples:\n  ").append(String.join("\n  ", examples)).append('\n');
      }
      return out.toString();
    }
  }

  /**
   * Compares {@code served} with the offline vectors over {@code silver}, every event of the
   * served entities (other entities' events may be left out of it).
   */
  public static Result check(FeatureView view, Collection<Served> served, Map<String, List<FeatureInput>> silver) {
    OfflineVectors offline = new OfflineVectors(view);
    Map<String, FeatureInput> byId = new HashMap<>();
    silver.values().forEach(events -> events.forEach(e -> byId.put(e.eventId, e)));
    int features = view.features().size();
    long[] mismatches = new long[features];
    double[] smapeSum = new double[features];
    long[] smapeCount = new long[features];
    long compared = 0;
    long extra = 0;
    long eventsMismatched = 0;
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    Set<String> servedIds = new HashSet<>();
    List<String> examples = new ArrayList<>();
    for (Served s : served) {
      if (!servedIds.add(s.eventId())) {
        continue;
      }
      FeatureInput event = byId.get(s.eventId());
      if (event == null) {
        extra++;
        continue;
      }
      from = Math.min(from, s.eventTime());
      to = Math.max(to, s.eventTime());
      compared++;
      double[] truth = offline.asOf(event.eventTime, event.eventId, silver.get(event.entity));
      boolean differs = false;
      for (int f = 0; f < features; f++) {
        double a = s.values()[f];
        double b = truth[f];
        if (Double.compare(a, b) != 0) {
          mismatches[f]++;
          differs = true;
          if (examples.size() < 10) {
            examples.add(s.eventId() + " (" + s.entity() + ") " + view.features().get(f).name() + ": served " + a + ", offline " + b);
          }
        }
        if (!Double.isNaN(a) && !Double.isNaN(b)) {
          double scale = (Math.abs(a) + Math.abs(b)) / 2;
          smapeSum[f] += scale == 0 ? 0 : Math.abs(a - b) / scale;
          smapeCount[f]++;
        }
      }
      if (differs) {
        eventsMismatched++;
      }
    }
    long missing = 0;
    for (String entity : served.stream().map(Served::entity).collect(Collectors.toSet())) {
      for (FeatureInput e : silver.getOrDefault(entity, List.of())) {
        if (e.eventTime >= from && e.eventTime <= to && !servedIds.contains(e.eventId)) {
          missing++;
        }
      }
    }
    Map<String, Long> byFeature = new LinkedHashMap<>();
    Map<String, Double> smape = new LinkedHashMap<>();
    for (int f = 0; f < features; f++) {
      byFeature.put(view.features().get(f).name(), mismatches[f]);
      smape.put(view.features().get(f).name(), smapeCount[f] == 0 ? 0 : smapeSum[f] / smapeCount[f]);
    }
    return new Result(compared, eventsMismatched, missing, extra, byFeature, smape, examples);
  }
}
