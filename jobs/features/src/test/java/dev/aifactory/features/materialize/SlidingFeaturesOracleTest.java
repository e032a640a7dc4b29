package dev.aifactory.features.materialize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.features.TestViews;
import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.FeatureInput;
import dev.aifactory.features.model.FeatureRow;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random event streams (out of order, late, too late, duplicates, gaps longer than the TTL)
 * through the operator, and every feature at every emission time recomputed by brute force from
 * the events the operator accepted, compared exactly (sums against exact decimal arithmetic;
 * distinct counts are small, where the sketch is exact).
 */
class SlidingFeaturesOracleTest {

  static final long MIN = 60_000;
  static final long OUT_OF_ORDERNESS = 30_000;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void everyEmittedValueEqualsTheBruteForceValue(long seed) throws Exception {
    FeatureView view = TestViews.cardView("2min");
    Random random = new Random(seed);
    List<FeatureInput> arrivals = randomStream(random);

    Map<String, List<FeatureInput>> accepted = new HashMap<>();
    List<FeatureRow> rows;
    int droppedExpected = 0;
    try (var h = SlidingFeaturesTest.harness(view)) {
      long watermark = Long.MIN_VALUE;
      long maxSeen = Long.MIN_VALUE;
      for (int i = 0; i < arrivals.size(); i++) {
        FeatureInput e = arrivals.get(i);
        if (watermark != Long.MIN_VALUE && e.eventTime < watermark - view.allowedLatenessMillis()) {
          droppedExpected++;
        } else {
          accepted.computeIfAbsent(e.entity, k -> new ArrayList<>()).add(e);
        }
        SlidingFeaturesTest.send(h, e);
        maxSeen = Math.max(maxSeen, e.eventTime);
        if (i % 7 == 6 && maxSeen - OUT_OF_ORDERNESS > watermark) {
          watermark = maxSeen - OUT_OF_ORDERNESS;
          h.processWatermark(watermark);
        }
      }
      h.processWatermark(Long.MAX_VALUE);
      rows = h.extractOutputValues();
      var dropped = h.getSideOutput(SlidingFeatures.DROPPED);
      assertThat(dropped == null ? 0 : dropped.size()).as("events dropped as too late").isEqualTo(droppedExpected);
    }

    // The operator's final word per (entity, valid_from): the last row it emitted for it.
    Map<String, FeatureRow> finalRows = new LinkedHashMap<>();
    rows.forEach(r -> finalRows.put(r.entity + "@" + r.validFrom, r));

    int checked = 0;
    for (var entry : accepted.entrySet()) {
      String entity = entry.getKey();
      List<FeatureInput> events = entry.getValue();
      for (long t : emissionTimes(view, events)) {
        FeatureRow row = finalRows.remove(entity + "@" + t);
        if (expired(view, events, t)) {
          assertThat(row == null || row.tombstone).as("%s at %d: expired, so a tombstone or nothing", entity, t).isTrue();
        } else {
          assertThat(row).as("%s at %d: a row is due", entity, t).isNotNull();
          assertThat(row.tombstone).as("%s at %d", entity, t).isFalse();
          assertThat(row.values).as("%s at %d", entity, t).containsExactly(bruteForce(view, events, t));
          checked++;
        }
      }
      // The newest row of an entity says whether it is still alive.
      long last = emissionTimes(view, events).last();
      FeatureRow newest = rows.stream().filter(r -> r.entity.equals(entity)).max(Comparator.comparingLong(r -> r.validFrom))
          .orElseThrow();
      assertThat(newest.validFrom).isEqualTo(last);
      assertThat(newest.tombstone).as("%s ends expired", entity).isEqualTo(expired(view, events, last));
    }
    assertThat(finalRows).as("rows at times no event called for").isEmpty();
    assertThat(checked).isGreaterThan(50);
  }

  /** Events for 4 cards over an hour: bursts, gaps, out of order by up to 40 s, some minutes late, some repeated. */
  static List<FeatureInput> randomStream(Random random) {
    List<FeatureInput> events = new ArrayList<>();
    String[] merchants = {"m1", "m2", "m3", "m4", "m5", null};
    for (int i = 0; i < 250; i++) {
      String card = "c" + random.nextInt(4);
      long time = random.nextInt(60) * MIN + random.nextInt(60_000);
      double amount = random.nextInt(10) == 0 ? Double.NaN : (1 + random.nextInt(50_000)) / 100.0;
      events.add(new FeatureInput(card, "e" + i, time, new double[] {amount},
          new String[] {merchants[random.nextInt(merchants.length)]}));
    }
    events.sort(Comparator.comparingLong(e -> e.eventTime));
    // Arrival order: shuffled by up to 40 s, 5% several minutes late, 3% delivered twice.
    List<long[]> order = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      long delay = random.nextInt(20) == 0 ? MIN + random.nextInt(4 * (int) MIN) : random.nextInt(40_000);
      order.add(new long[] {events.get(i).eventTime + delay, i});
      if (random.nextInt(33) == 0) {
        order.add(new long[] {events.get(i).eventTime + random.nextInt(90_000), i});
      }
    }
    order.sort(Comparator.comparingLong(o -> o[0]));
    return order.stream().map(o -> events.get((int) o[1])).toList();
  }

  static TreeSet<Long> emissionTimes(FeatureView view, List<FeatureInput> events) {
    TreeSet<Long> times = new TreeSet<>();
    long slide = view.slideMillis();
    for (FeatureInput e : events) {
      long start = Math.floorDiv(e.eventTime, slide) * slide;
      times.add(start + slide);
      for (long w : view.windows()) {
        times.add(start + w + slide);
      }
      times.add(start + view.ttlMillis() + slide);
    }
    return times;
  }

  /** The sum of exact decimal arithmetic, rounded once: what any order of additions should give. */
  static double exactSum(double[] values) {
    return Arrays.stream(values).mapToObj(BigDecimal::new).reduce(BigDecimal.ZERO, BigDecimal::add).doubleValue();
  }

  static boolean expired(FeatureView view, List<FeatureInput> events, long t) {
    return events.stream().noneMatch(e -> e.eventTime >= t - view.ttlMillis() && e.eventTime < t);
  }

  static double[] bruteForce(FeatureView view, List<FeatureInput> events, long t) {
    double[] out = new double[view.features().size()];
    for (int f = 0; f < out.length; f++) {
      FeatureDef def = view.features().get(f);
      List<FeatureInput> in = events.stream()
          .filter(e -> e.eventTime >= t - def.windowMillis() && e.eventTime < t).toList();
      double[] values = in.stream().mapToDouble(e -> e.numbers[0]).filter(v -> !Double.isNaN(v)).toArray();
      out[f] = switch (def.aggregation()) {
        case COUNT -> in.size();
        case SUM -> exactSum(values);
        case AVG -> values.length == 0 ? Double.NaN : exactSum(values) / values.length;
        case MIN -> Arrays.stream(values).min().orElse(Double.NaN);
        case MAX -> Arrays.stream(values).max().orElse(Double.NaN);
        case APPROX_DISTINCT -> {
          Set<String> seen = new HashSet<>();
          in.stream().map(e -> e.categories[0]).filter(v -> v != null).forEach(seen::add);
          yield seen.size();
        }
        case LAST -> in.stream().filter(e -> !Double.isNaN(e.numbers[0]))
            .max(Comparator.<FeatureInput>comparingLong(e -> e.eventTime).thenComparingDouble(e -> e.numbers[0]))
            .map(e -> e.numbers[0]).orElse(Double.NaN);
        case TIME_SINCE_LAST -> in.isEmpty() ? Double.NaN
            : (t - in.stream().mapToLong(e -> e.eventTime).max().orElseThrow()) / 1000.0;
      };
    }
    return out;
  }
}
