package dev.aifactory.features.materialize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.features.TestViews;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.DroppedEvent;
import dev.aifactory.features.model.FeatureInput;
import dev.aifactory.features.model.FeatureRow;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class SlidingFeaturesTest {

  static final long MIN = 60_000;
  // feature order of TestViews.cardView
  static final int COUNT_2M = 0, SUM_5M = 1, AVG_5M = 2, MIN_5M = 3, MAX_2M = 4, MERCHANTS_5M = 5, LAST_5M = 6, SINCE_LAST_5M = 7;

  static KeyedOneInputStreamOperatorTestHarness<String, FeatureInput, FeatureRow> harness(FeatureView view) throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new SlidingFeatures(view)),
        (FeatureInput i) -> i.entity, Types.STRING);
    h.open();
    return h;
  }

  static FeatureInput event(String card, long time, double amount, String merchant) {
    return new FeatureInput(card, card + "@" + time, time, new double[] {amount}, new String[] {merchant});
  }

  static void send(KeyedOneInputStreamOperatorTestHarness<String, FeatureInput, FeatureRow> h, FeatureInput e)
      throws Exception {
    h.processElement(new StreamRecord<>(e, e.eventTime));
  }

  @Test
  void emitsAtEachSliceEndAndDecaysAsEventsLeaveTheirWindowsWithoutNewEvents() throws Exception {
    try (var h = harness(TestViews.cardView("0s"))) {
      send(h, event("c1", 10_000, 5, "m1"));
      send(h, event("c1", 70_000, 7, "m2"));
      h.processWatermark(2 * MIN);
      List<FeatureRow> rows = h.extractOutputValues();
      assertThat(rows).extracting(r -> r.validFrom).containsExactly(1 * MIN, 2 * MIN);
      assertThat(rows.get(0).values[COUNT_2M]).isEqualTo(1);
      double[] at2 = rows.get(1).values;
      assertThat(at2[COUNT_2M]).isEqualTo(2);
      assertThat(at2[SUM_5M]).isEqualTo(12);
      assertThat(at2[AVG_5M]).isEqualTo(6);
      assertThat(at2[MIN_5M]).isEqualTo(5);
      assertThat(at2[MAX_2M]).isEqualTo(7);
      assertThat(at2[MERCHANTS_5M]).isEqualTo(2);
      assertThat(at2[LAST_5M]).isEqualTo(7);
      assertThat(at2[SINCE_LAST_5M]).isEqualTo(50); // 120 s - 70 s

      // No new events: the 2-minute window empties at 3 and 4 min, the 5-minute one at 6 and 7.
      h.processWatermark(10 * MIN);
      rows = h.extractOutputValues();
      assertThat(rows).extracting(r -> r.validFrom).containsExactly(1 * MIN, 2 * MIN, 3 * MIN, 4 * MIN, 6 * MIN, 7 * MIN);
      double[] at3 = rows.get(2).values;
      assertThat(at3[COUNT_2M]).isEqualTo(1);
      assertThat(at3[MAX_2M]).as("exact after the larger value's slice... stays: 7 is the newer").isEqualTo(7);
      double[] at4 = rows.get(3).values;
      assertThat(at4[COUNT_2M]).isZero();
      assertThat(at4[MAX_2M]).as("an empty window has no max").isNaN();
      assertThat(at4[SUM_5M]).isEqualTo(12);
      double[] at6 = rows.get(4).values;
      assertThat(at6[SUM_5M]).isEqualTo(7);
      assertThat(at6[MIN_5M]).as("min is exact once the smaller value left").isEqualTo(7);
      assertThat(at6[MERCHANTS_5M]).isEqualTo(1);
      FeatureRow at7 = rows.get(5);
      assertThat(at7.tombstone).as("TTL of 5 min after the last event: the entity expires").isTrue();
      assertThat(at7.values).isNull();
      assertThat(rows).allMatch(r -> r.latest);
    }
  }

  @Test
  void minAndMaxStayExactWhenTheExtremeLeavesTheWindow() throws Exception {
    try (var h = harness(TestViews.cardView("0s"))) {
      send(h, event("c1", 0, 100, "m1"));
      send(h, event("c1", 60_000, 3, "m1"));
      h.processWatermark(3 * MIN);
      List<FeatureRow> rows = h.extractOutputValues();
      assertThat(rows).extracting(r -> r.validFrom).containsExactly(1 * MIN, 2 * MIN, 3 * MIN);
      assertThat(rows.get(1).values[MAX_2M]).isEqualTo(100);
      assertThat(rows.get(2).values[MAX_2M]).as("100 left the 2-minute window at 3 min").isEqualTo(3);
    }
  }

  @Test
  void aLateEventWithinTheLatenessCorrectsEveryRowThatIncludedItsSlice() throws Exception {
    try (var h = harness(TestViews.cardView("3min"))) {
      send(h, event("c1", 0, 10, "m1"));
      send(h, event("c1", 130_000, 20, "m1"));
      h.processWatermark(3 * MIN);
      assertThat(h.extractOutputValues()).extracting(r -> r.validFrom).containsExactly(1 * MIN, 3 * MIN);

      send(h, event("c1", 61_000, 5, "m9")); // slice [1 min, 2 min), already emitted at 3 min
      List<FeatureRow> corrections = h.extractOutputValues().subList(2, h.extractOutputValues().size());
      assertThat(corrections).extracting(r -> r.validFrom).containsExactly(2 * MIN, 3 * MIN);
      FeatureRow at3 = corrections.get(1);
      assertThat(at3.values[SUM_5M]).isEqualTo(35);
      assertThat(at3.values[MIN_5M]).isEqualTo(5);
      assertThat(at3.values[MERCHANTS_5M]).isEqualTo(2);
      assertThat(at3.latest).as("3 min was the newest row already: the correction may update the online store").isTrue();
      assertThat(corrections.get(0).latest).as("2 min is older than the newest row: history only").isFalse();
      assertThat(h.getSideOutput(SlidingFeatures.DROPPED)).isNull();
    }
  }

  @Test
  void anEventOlderThanTheLatenessGoesToTheDroppedOutputAndChangesNothing() throws Exception {
    try (var h = harness(TestViews.cardView("1min"))) {
      send(h, event("c1", 5 * MIN, 10, "m1"));
      h.processWatermark(6 * MIN);
      int before = h.extractOutputValues().size();
      send(h, event("c1", 4 * MIN, 99, "m1"));
      assertThat(h.extractOutputValues()).hasSize(before);
      var dropped = h.getSideOutput(SlidingFeatures.DROPPED);
      assertThat(dropped).hasSize(1);
      DroppedEvent d = dropped.peek().getValue();
      assertThat(d.reason).isEqualTo(DroppedEvent.LATE);
      assertThat(d.eventTime).isEqualTo(4 * MIN);
      assertThat(d.watermark).isEqualTo(6 * MIN);
    }
  }

  @Test
  void stateIsGoneOnceTheEntityExpiredAndNothingCanStillBeCorrected() throws Exception {
    try (var h = harness(TestViews.cardView("1min"))) {
      send(h, event("c1", 0, 10, "m1"));
      h.processWatermark(2 * MIN);
      assertThat(h.numKeyedStateEntries()).isPositive();
      h.processWatermark(30 * MIN);
      assertThat(h.extractOutputValues().get(h.extractOutputValues().size() - 1).tombstone).isTrue();
      assertThat(h.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void aRestoredOperatorEmitsWhatAnUninterruptedOneEmits() throws Exception {
    List<FeatureInput> first = List.of(event("c1", 0, 1, "a"), event("c2", 30_000, 2, "b"), event("c1", 90_000, 3, "c"));
    List<FeatureInput> second = List.of(event("c2", 200_000, 4, "d"), event("c1", 150_000, 5, "a"));
    List<FeatureRow> uninterrupted;
    try (var h = harness(TestViews.cardView("2min"))) {
      first.forEach(e -> sendQuietly(h, e));
      h.processWatermark(2 * MIN);
      second.forEach(e -> sendQuietly(h, e));
      h.processWatermark(Long.MAX_VALUE);
      uninterrupted = h.extractOutputValues();
    }
    OperatorSubtaskState snapshot;
    List<FeatureRow> beforeSnapshot;
    try (var h = harness(TestViews.cardView("2min"))) {
      first.forEach(e -> sendQuietly(h, e));
      h.processWatermark(2 * MIN);
      snapshot = h.snapshot(1, 1);
      beforeSnapshot = h.extractOutputValues();
    }
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new SlidingFeatures(TestViews.cardView("2min"))), (FeatureInput i) -> i.entity,
        Types.STRING)) {
      h.initializeState(snapshot);
      h.open();
      h.processWatermark(2 * MIN);
      second.forEach(e -> sendQuietly(h, e));
      h.processWatermark(Long.MAX_VALUE);
      List<String> resumed = new java.util.ArrayList<>(describe(beforeSnapshot));
      resumed.addAll(describe(h.extractOutputValues()));
      assertThat(resumed).containsExactlyElementsOf(describe(uninterrupted));
    }
  }

  static List<String> describe(List<FeatureRow> rows) {
    return rows.stream().map(r -> r.entity + "@" + r.validFrom + (r.tombstone ? " tombstone" : " " + java.util.Arrays.toString(r.values))
        + (r.latest ? "" : " (correction)")).toList();
  }

  static void sendQuietly(KeyedOneInputStreamOperatorTestHarness<String, FeatureInput, FeatureRow> h, FeatureInput e) {
    try {
      send(h, e);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }
}
