package dev.aifactory.features.materialize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.features.TestViews;
import dev.aifactory.features.consistency.OfflineVectors;
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
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random streams (bursts, gaps, out of order by up to minutes, redeliveries) through the operator
 * on RocksDB. Every event row must equal the window rule computed by brute force over the events
 * that had arrived before it (deduplicated by id), with exact decimal sums; a redelivery must
 * produce nothing; and the replay mode (backfills) must give every event the brute-force vector
 * over all events, which {@link OfflineVectors} must give too.
 */
class PerEventFeaturesOracleTest {

  static final long MIN = 60_000;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void everyServedVectorIsTheRuleOverWhatHadArrived(long seed) throws Exception {
    for (FeatureView view : List.of(TestViews.cardView("6h"), TestViews.hourView("6h"))) {
      List<FeatureInput> arrivals = randomStream(new Random(seed));
      Map<String, List<FeatureInput>> arrived = new HashMap<>();
      Map<String, double[]> expected = new LinkedHashMap<>();
      Set<String> ids = new HashSet<>();
      int redeliveries = 0;
      List<FeatureRow> rows;
      try (var h = PerEventFeaturesTest.opened(view)) {
        for (FeatureInput e : arrivals) {
          if (ids.add(e.eventId)) {
            arrived.computeIfAbsent(e.entity, k -> new ArrayList<>()).add(e);
            expected.put(e.eventId, bruteForce(view, arrived.get(e.entity), e.eventTime, e.eventId));
          } else {
            redeliveries++;
          }
          h.processElement(new StreamRecord<>(e, e.eventTime));
        }
        rows = PerEventFeaturesTest.eventRows(h);
      }
      assertThat(redeliveries).isPositive();
      assertThat(rows).extracting(r -> r.eventId).as("one row per event, none for a redelivery")
          .containsExactlyElementsOf(expected.keySet());
      for (FeatureRow row : rows) {
        assertThat(row.values).as("%s of %s (%s)", row.eventId, row.entity, view.name())
            .containsExactly(expected.get(row.eventId));
      }
      assertThat(rows.stream().filter(r -> !r.latest).count()).as("some events arrived behind newer ones").isPositive();
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void replayGivesEveryEventTheRuleOverAllEventsAsOfflineVectorsDoes(long seed) throws Exception {
    FeatureView view = TestViews.hourView("6h");
    List<FeatureInput> arrivals = randomStream(new Random(seed));
    Map<String, List<FeatureInput>> all = new HashMap<>();
    Set<String> ids = new HashSet<>();
    for (FeatureInput e : arrivals) {
      if (ids.add(e.eventId)) {
        all.computeIfAbsent(e.entity, k -> new ArrayList<>()).add(e);
      }
    }
    List<FeatureRow> rows;
    try (var h = PerEventFeaturesTest.harness(view, true)) {
      h.open();
      for (FeatureInput e : arrivals) {
        h.processElement(new StreamRecord<>(e, e.eventTime));
      }
      h.processWatermark(Long.MAX_VALUE); // end of input, as in BATCH mode
      rows = PerEventFeaturesTest.eventRows(h);
    }
    assertThat(rows).hasSize(ids.size());
    OfflineVectors offline = new OfflineVectors(view);
    for (FeatureRow row : rows) {
      double[] truth = bruteForce(view, all.get(row.entity), row.validFrom, row.eventId);
      assertThat(row.values).as(row.eventId).containsExactly(truth);
      assertThat(offline.asOf(row.validFrom, row.eventId, all.get(row.entity))).as(row.eventId).containsExactly(truth);
    }
  }

  /** Events for 4 cards over 5 hours: bursts, gaps, out of order by up to minutes, 3% delivered twice, some at one millisecond. */
  static List<FeatureInput> randomStream(Random random) {
    List<FeatureInput> events = new ArrayList<>();
    String[] merchants = {"m1", "m2", "m3", "m4", "m5", null};
    for (int i = 0; i < 300; i++) {
      String card = "c" + random.nextInt(4);
      long time = random.nextInt(300) * MIN + (random.nextInt(10) == 0 ? 0 : random.nextInt(60_000));
      double amount = random.nextInt(10) == 0 ? Double.NaN : (1 + random.nextInt(50_000)) / 100.0;
      events.add(new FeatureInput(card, "e" + i, time, new double[] {amount},
          new String[] {merchants[random.nextInt(merchants.length)]}));
    }
    events.sort(Comparator.comparingLong(e -> e.eventTime));
    List<long[]> order = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      long delay = random.nextInt(10) == 0 ? MIN + random.nextInt(30 * (int) MIN) : random.nextInt(40_000);
      order.add(new long[] {events.get(i).eventTime + delay, i});
      if (random.nextInt(33) == 0) {
        order.add(new long[] {events.get(i).eventTime + random.nextInt(3_600_000), i});
      }
    }
    order.sort(Comparator.comparingLong(o -> o[0]));
    return order.stream().map(o -> events.get((int) o[1])).toList();
  }

  /** The sum of exact decimal arithmetic, rounded once: what any order of additions should give. */
  static double exactSum(double[] values) {
    return Arrays.stream(values).mapToObj(BigDecimal::new).reduce(BigDecimal.ZERO, BigDecimal::add).doubleValue();
  }

  /**
   * The window rule, written out: per feature, the event {@code id} and the events in
   * {@code [floor(t, hop) - w, t)}, hop the slide or an hour.
   */
  static double[] bruteForce(FeatureView view, List<FeatureInput> events, long t, String id) {
    double[] out = new double[view.features().size()];
    for (int f = 0; f < out.length; f++) {
      FeatureDef def = view.features().get(f);
      long hop = def.windowMillis() > 3_600_000 ? 3_600_000 : view.slideMillis();
      long from = Math.floorDiv(t, hop) * hop - def.windowMillis();
      List<FeatureInput> in = events.stream()
          .filter(e -> e.eventTime >= from && (e.eventTime < t || e.eventId.equals(id))).toList();
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
        case TIME_SINCE_LAST -> in.stream().mapToLong(e -> e.eventTime).filter(x -> x < t).max()
            .stream().mapToDouble(x -> (t - x) / 1000.0).findFirst().orElse(Double.NaN);
      };
    }
    return out;
  }
}
