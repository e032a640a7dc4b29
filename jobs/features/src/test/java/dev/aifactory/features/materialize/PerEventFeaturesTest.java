package dev.aifactory.features.materialize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.features.TestViews;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.FeatureInput;
import dev.aifactory.features.model.FeatureRow;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The per-event operator on RocksDB, as it ships: one case per promise. */
class PerEventFeaturesTest {

  static final long SEC = 1_000;
  static final long MIN = 60_000;
  // feature order of TestViews.cardView
  static final int COUNT_2M = 0, SUM_5M = 1, MIN_5M = 3, MAX_2M = 4, MERCHANTS_5M = 5, LAST_5M = 6, SINCE_LAST_5M = 7;

  static KeyedOneInputStreamOperatorTestHarness<String, FeatureInput, FeatureRow> harness(FeatureView view, boolean replay)
      throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new PerEventFeatures(view, replay)),
        (FeatureInput i) -> i.entity, Types.STRING);
    h.setStateBackend(new EmbeddedRocksDBStateBackend());
    return h;
  }

  static KeyedOneInputStreamOperatorTestHarness<String, FeatureInput, FeatureRow> opened(FeatureView view) throws Exception {
    var h = harness(view, false);
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

  static List<FeatureRow> eventRows(KeyedOneInputStreamOperatorTestHarness<String, FeatureInput, FeatureRow> h) {
    return h.extractOutputValues().stream().filter(r -> FeatureRow.EVENT.equals(r.kind)).toList();
  }

  @Test
  void aBurstOf20PaymentsIn40SecondsRaisesTheCountWithEachOneWithoutAnyWatermark() throws Exception {
    try (var h = opened(TestViews.cardView("10min"))) {
      for (int i = 0; i < 20; i++) {
        send(h, event("c1", 10 * MIN + i * 2 * SEC, 10 + i, "m" + (i % 3)));
        List<FeatureRow> rows = h.extractOutputValues();
        assertThat(rows).as("a row the moment the payment arrives").hasSize(i + 1);
        FeatureRow row = rows.get(i);
        assertThat(row.kind).isEqualTo(FeatureRow.EVENT);
        assertThat(row.eventId).isEqualTo("c1@" + (10 * MIN + i * 2 * SEC));
        assertThat(row.validFrom).isEqualTo(10 * MIN + i * 2 * SEC);
        assertThat(row.values[COUNT_2M]).as("the event itself and every earlier one count").isEqualTo(i + 1);
        assertThat(row.values[LAST_5M]).isEqualTo(10 + i);
        if (i == 0) {
          assertThat(row.values[SINCE_LAST_5M]).as("no earlier payment").isNaN();
        } else {
          assertThat(row.values[SINCE_LAST_5M]).as("measured at the payment").isEqualTo(2.0);
        }
        assertThat(row.latest).isTrue();
      }
      assertThat(h.numEventTimeTimers()).isPositive();
    }
  }

  @Test
  void theHeadIsExactToTheMillisecondAndTwoEventsOfOneMillisecondNeverSeeEachOther() throws Exception {
    try (var h = opened(TestViews.cardView("10min"))) {
      send(h, event("c1", 5 * MIN + 59_999, 3, "m1"));
      send(h, event("c1", 6 * MIN, 4, "m2"));
      send(h, new FeatureInput("c1", "twin", 6 * MIN, new double[] {9}, new String[] {"m3"}));
      List<FeatureRow> rows = eventRows(h);
      assertThat(rows.get(1).values[COUNT_2M]).as("one millisecond earlier, in the previous tile").isEqualTo(2);
      assertThat(rows.get(1).values[SINCE_LAST_5M]).isEqualTo(0.001);
      assertThat(rows.get(2).values[COUNT_2M]).as("the twin counts itself, not the 6:00 event").isEqualTo(2);
      assertThat(rows.get(2).values[LAST_5M]).isEqualTo(9);
      assertThat(rows.get(2).values[SINCE_LAST_5M]).as("from the newest event strictly before").isEqualTo(0.001);
      h.processWatermark(8 * MIN);
      FeatureRow decay = h.extractOutputValues().stream().filter(r -> FeatureRow.DECAY.equals(r.kind)).findFirst().orElseThrow();
      assertThat(decay.validFrom).isEqualTo(8 * MIN);
      assertThat(decay.values[COUNT_2M]).as("a row with no event of its own counts both").isEqualTo(2);
    }
  }

  /**
   * Two events of one millisecond each get a row that leaves the other out, so without more the
   * newest row would depend on which arrived last. A correction as of that millisecond counts
   * both: the newest row is the same in either order.
   */
  @Test
  void theNewestRowDoesNotDependOnTheOrderOfTwoEventsOfOneMillisecond() throws Exception {
    FeatureInput a = new FeatureInput("c1", "a", 6 * MIN, new double[] {4}, new String[] {"m1"});
    FeatureInput b = new FeatureInput("c1", "b", 6 * MIN, new double[] {9}, new String[] {"m2"});
    List<double[]> newest = new java.util.ArrayList<>();
    for (List<FeatureInput> order : List.of(List.of(a, b), List.of(b, a))) {
      try (var h = opened(TestViews.cardView("10min"))) {
        send(h, event("c1", 5 * MIN, 3, "m1"));
        order.forEach(e -> {
          try {
            send(h, e);
          } catch (Exception ex) {
            throw new IllegalStateException(ex);
          }
        });
        List<FeatureRow> rows = h.extractOutputValues();
        FeatureRow last = rows.get(rows.size() - 1);
        assertThat(last.kind).isEqualTo(FeatureRow.CORRECTION);
        assertThat(last.validFrom).isEqualTo(6 * MIN);
        assertThat(last.values[COUNT_2M]).as("both events of 6:00 and the 5:00 one").isEqualTo(3);
        newest.add(last.values);
      }
    }
    assertThat(newest.get(0)).containsExactly(newest.get(1));
  }

  @Test
  void aRedeliveredEventChangesNothingAndProducesNoRow() throws Exception {
    try (var h = opened(TestViews.cardView("10min"))) {
      FeatureInput first = event("c1", 10 * MIN, 5, "m1");
      send(h, first);
      send(h, event("c1", 10 * MIN + 5 * SEC, 7, "m2"));
      send(h, first); // the same event id again, as an at-least-once silver topic redelivers it
      send(h, event("c1", 10 * MIN + 9 * SEC, 1, "m1"));
      List<FeatureRow> rows = eventRows(h);
      assertThat(rows).extracting(r -> r.eventId).containsExactly("c1@600000", "c1@605000", "c1@609000");
      assertThat(rows.get(2).values[COUNT_2M]).isEqualTo(3);
      assertThat(rows.get(2).values[SUM_5M]).isEqualTo(13);
    }
  }

  @Test
  void aRedeliveryBeyondTheWatermarkHorizonIsADuplicateNotALateEvent() throws Exception {
    FeatureView view = TestViews.cardView("2min");
    try (var h = opened(view)) {
      FeatureInput served = event("c1", 10 * MIN, 5, "m1");
      send(h, served);
      h.processWatermark(10 * MIN + new Tiling(view).horizon() + 5 * MIN);
      send(h, served); // ingest sent it again after a restart, long after it was served
      send(h, event("c1", 10 * MIN + 1, 6, "m1")); // a new event that far behind: its tiles may be gone
      assertThat(eventRows(h)).hasSize(1);
      var dropped = h.getSideOutput(PerEventFeatures.DROPPED);
      assertThat(dropped).as("only the new event is recorded as too late").hasSize(1);
      assertThat(dropped.peek().getValue().eventId).isEqualTo("c1@600001");
    }
  }

  /**
   * After a restart, one silver partition can be read ahead of another, so event time jumps past
   * events of the slower one. An event within the horizon behind the watermark is still counted
   * exactly (its tiles are kept that long), so the vectors do not depend on how the watermark
   * advanced: with or without the jump, the same rows.
   */
  @Test
  void anEventBehindAWatermarkThatJumpedAheadIsStillCountedExactly() throws Exception {
    List<FeatureInput> arrivals = List.of(
        event("c1", 10 * MIN, 5, "m1"),
        event("c1", 25 * MIN, 6, "m2"),
        event("c1", 12 * MIN, 7, "m3"), // behind c1's newest
        event("c2", 5 * MIN, 9, "m2")); // 55 min behind the jumped watermark
    List<double[]> quietly = new java.util.ArrayList<>();
    try (var h = opened(TestViews.cardView("10min"))) {
      for (FeatureInput e : arrivals) {
        send(h, e); // no watermark at all
      }
      eventRows(h).forEach(r -> quietly.add(r.values));
    }
    try (var h = opened(TestViews.cardView("10min"))) {
      for (FeatureInput e : arrivals) {
        if (e.entity.equals("c2")) {
          h.processWatermark(60 * MIN); // another partition ran ahead
        }
        send(h, e);
      }
      List<FeatureRow> rows = eventRows(h);
      assertThat(rows).extracting(r -> r.eventId).containsExactly("c1@600000", "c1@1500000", "c1@720000", "c2@300000");
      for (int i = 0; i < rows.size(); i++) {
        assertThat(rows.get(i).values).as(rows.get(i).eventId).containsExactly(quietly.get(i));
      }
      assertThat(h.getSideOutput(PerEventFeatures.DROPPED)).isNullOrEmpty();
    }
  }

  @Test
  void onlyAnEventBeyondTheHorizonBehindTheWatermarkIsRefusedByIt() throws Exception {
    FeatureView view = TestViews.cardView("10min");
    long horizon = new Tiling(view).horizon();
    assertThat(horizon).isEqualTo(10 * MIN + Tiling.WATERMARK_MARGIN_MILLIS);
    try (var h = opened(view)) {
      long watermark = 200 * MIN;
      h.processWatermark(watermark);
      send(h, event("inside", watermark - horizon + MIN, 1, "m1"));
      send(h, event("beyond", watermark - horizon - 1, 1, "m1"));
      assertThat(eventRows(h)).extracting(r -> r.entity).containsExactly("inside");
      var dropped = h.getSideOutput(PerEventFeatures.DROPPED);
      assertThat(dropped).hasSize(1);
      assertThat(dropped.peek().getValue().entity).isEqualTo("beyond");
      assertThat(dropped.peek().getValue().detail).contains("behind the watermark");
      assertThat(dropped.peek().getValue().watermark).isEqualTo(watermark);
    }
  }

  @Test
  void anEventBehindNewerOnesGetsItsOwnVectorAndTheNewestRowIsCorrected() throws Exception {
    try (var h = opened(TestViews.cardView("10min"))) {
      send(h, event("c1", 10 * MIN, 5, "m1"));
      send(h, event("c1", 12 * MIN + 30 * SEC, 7, "m2"));
      send(h, event("c1", 11 * MIN, 100, "m3")); // arrives after the 12:30 one
      List<FeatureRow> rows = h.extractOutputValues();
      FeatureRow late = rows.get(2);
      assertThat(late.kind).isEqualTo(FeatureRow.EVENT);
      assertThat(late.latest).as("not the newest: history only").isFalse();
      // 2-min window, minute hops: as of 11:00 it holds [9:00, 11:00], so 10:00 and itself, not 12:30.
      assertThat(late.values[COUNT_2M]).as("as of 11:00 the 12:30 event does not count").isEqualTo(2);
      assertThat(late.values[MAX_2M]).isEqualTo(100);
      assertThat(late.values[SINCE_LAST_5M]).isEqualTo(60);
      FeatureRow correction = rows.get(3);
      assertThat(correction.kind).isEqualTo(FeatureRow.CORRECTION);
      assertThat(correction.validFrom).isEqualTo(12 * MIN + 30 * SEC);
      assertThat(correction.latest).isTrue();
      // As of 12:30 the window is [10:00, 12:30]: the served row counted 10:00 and 12:30, the correction 11:00 too.
      assertThat(rows.get(1).values[COUNT_2M]).isEqualTo(2);
      assertThat(correction.values[COUNT_2M]).isEqualTo(3);
    }
  }

  @Test
  void featuresDecayWithoutNewEventsAndTheEntityExpiresAtTheTtl() throws Exception {
    try (var h = opened(TestViews.cardView("0s"))) {
      send(h, event("c1", 10_000, 5, "m1"));
      send(h, event("c1", 70_000, 7, "m2"));
      h.processWatermark(20 * MIN);
      List<FeatureRow> decays = h.extractOutputValues().stream().filter(r -> FeatureRow.DECAY.equals(r.kind)).toList();
      // 2-min window: tile 0 leaves at 3 min, tile 1 at 4 min (the TTL check at 6 min finds the 70 s event);
      // 5-min window: tile 0 leaves at 6, tile 1 at 7, which is also its TTL: a tombstone.
      assertThat(decays).extracting(r -> r.validFrom).containsExactly(3 * MIN, 4 * MIN, 6 * MIN, 7 * MIN);
      assertThat(decays.get(0).values[COUNT_2M]).isEqualTo(1);
      assertThat(decays.get(1).values[COUNT_2M]).isZero();
      assertThat(decays.get(1).values[MAX_2M]).as("an empty window has no max").isNaN();
      assertThat(decays.get(2).values[SUM_5M]).isEqualTo(7);
      assertThat(decays.get(2).values[MIN_5M]).as("min is exact once the smaller value left").isEqualTo(7);
      assertThat(decays.get(2).values[MERCHANTS_5M]).isEqualTo(1);
      assertThat(decays.get(3).tombstone).isTrue();
      assertThat(decays).allMatch(r -> r.latest);
    }
  }

  @Test
  void aDormantCardLeavesNoStateAfterItsRetention() throws Exception {
    FeatureView view = TestViews.cardView("2min");
    // Counting state entries needs the heap backend (the harness cannot count RocksDB's); the
    // other tests here run on RocksDB.
    var heap = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new PerEventFeatures(view, false)),
        (FeatureInput i) -> i.entity, Types.STRING);
    heap.open();
    try (var h = heap) {
      send(h, event("c1", 10_000, 5, "m1"));
      send(h, event("c1", 70_000, 7, "m2"));
      send(h, event("c2", 30 * MIN, 1, "m1"));
      assertThat(h.numKeyedStateEntries()).isPositive();
      long retention = new Tiling(view).retention();
      h.processWatermark(70_000 + retention + MIN);
      // c1 is gone; c2 (30 min later) still holds its state and timers.
      assertThat(h.extractOutputValues().stream().filter(r -> r.entity.equals("c1") && r.tombstone).count()).isEqualTo(1);
      h.processWatermark(30 * MIN + retention + MIN);
      assertThat(h.numKeyedStateEntries()).as("every state entry of both cards").isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void aLateEventAfterTheCardsNewestTilesMovedOnStillSeesItsHistory() throws Exception {
    // The old join scored such an event with every feature missing, as if the card were new.
    try (var h = opened(TestViews.hourView("1h"))) {
      send(h, event("c1", 10 * MIN, 5, "m1"));
      send(h, event("c1", 50 * MIN, 6, "m2"));
      send(h, event("c1", 3 * 60 * MIN, 7, "m3"));
      send(h, event("other", 4 * 60 * MIN, 1, "m1"));
      h.processWatermark(3 * 60 * MIN + 20 * MIN); // decay and cleanup ran for everything before
      send(h, event("c1", 2 * 60 * MIN + 55 * MIN, 50, "m4")); // 2:55, behind the 3:00 event and 25 min behind the watermark
      List<FeatureRow> rows = eventRows(h).stream().filter(r -> r.entity.equals("c1")).toList();
      FeatureRow late = rows.get(rows.size() - 1);
      assertThat(late.validFrom).isEqualTo(175 * MIN);
      // 3 h window with hourly hops: [floor(2:55, 1h) - 3h, 2:55] = [-1:00, 2:55] holds 0:10, 0:50 and itself.
      assertThat(late.values[1]).isEqualTo(5 + 6 + 50);
      assertThat(late.values[2]).isEqualTo(50);
      assertThat(late.values[3]).isEqualTo(3);
      assertThat(late.values[5]).as("seconds since 0:50").isEqualTo(125 * 60.0);
      assertThat(late.values[0]).as("10 min window: itself only").isEqualTo(1);
    }
  }

  @Test
  void aRestoredOperatorContinuesWithTheSameVectors() throws Exception {
    FeatureView view = TestViews.hourView("1h");
    OperatorSubtaskState snapshot;
    try (var h = opened(view)) {
      for (int i = 0; i < 30; i++) {
        send(h, event("c1", i * 7 * MIN, i, "m" + (i % 5)));
      }
      h.processWatermark(100 * MIN);
      snapshot = h.snapshot(1, 1);
    }
    List<FeatureRow> uninterrupted;
    try (var h = opened(view)) {
      for (int i = 0; i < 40; i++) {
        send(h, event("c1", i * 7 * MIN, i, "m" + (i % 5)));
        if (i == 29) {
          h.processWatermark(100 * MIN);
        }
      }
      uninterrupted = eventRows(h);
    }
    try (var h = harness(view, false)) {
      h.initializeState(snapshot);
      h.open();
      for (int i = 30; i < 40; i++) {
        send(h, event("c1", i * 7 * MIN, i, "m" + (i % 5)));
      }
      List<FeatureRow> restored = eventRows(h);
      assertThat(restored).hasSize(10);
      for (int i = 0; i < 10; i++) {
        assertThat(restored.get(i).values).containsExactly(uninterrupted.get(30 + i).values);
      }
    }
  }
}
