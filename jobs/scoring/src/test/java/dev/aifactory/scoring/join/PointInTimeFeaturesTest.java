package dev.aifactory.scoring.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.features.model.FeatureInput;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.scoring.model.ScoringRequest;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class PointInTimeFeaturesTest {

  static final long MIN = 60_000;

  @Test
  void eachEventGetsTheRowValidAtItsTimeOnceTheWatermarkPassesIt() throws Exception {
    try (var h = harness()) {
      h.processElement2(event("at-1:30", "c1", 90_000));
      h.processElement2(event("at-2:00", "c1", 2 * MIN));
      h.processElement2(event("before-any-row", "c1", 30_000));
      h.processElement2(event("other-card", "c2", 2 * MIN));
      assertThat(h.extractOutputValues()).as("waiting for the watermark").isEmpty();

      // As the features operator emits: rows valid from 1:00 and 2:00, then the watermark.
      h.processElement1(row("c1", MIN, 1));
      h.processElement1(row("c1", 2 * MIN, 2));
      h.processBothWatermarks(new Watermark(2 * MIN));

      Map<String, ScoringRequest> out = byId(h.extractOutputValues());
      assertThat(out).containsOnlyKeys("at-1:30", "at-2:00", "before-any-row", "other-card");
      assertThat(out.get("before-any-row").featureValidFrom).isEqualTo(-1);
      assertThat(out.get("before-any-row").features).containsOnly(Double.NaN);
      assertThat(out.get("at-1:30").featureValidFrom).isEqualTo(MIN);
      assertThat(out.get("at-1:30").features[0]).isEqualTo(1);
      assertThat(out.get("at-2:00").featureValidFrom).as("valid from 2:00 includes events before 2:00 only").isEqualTo(2 * MIN);
      assertThat(out.get("at-2:00").features[0]).isEqualTo(2);
      assertThat(out.get("other-card").featureValidFrom).isEqualTo(-1);
    }
  }

  @Test
  void aCorrectionReplacesItsRowAndAnExpiredEntityHasNoFeatures() throws Exception {
    try (var h = harness()) {
      h.processElement1(row("c1", MIN, 1));
      h.processElement1(row("c1", MIN, 5));
      h.processElement2(event("corrected", "c1", 90_000));
      h.processBothWatermarks(new Watermark(90_000));
      FeatureRow expired = new FeatureRow("c1", 3 * MIN, 2, true, null);
      h.processElement1(new StreamRecord<>(expired, expired.validFrom));
      h.processElement2(event("after-expiry", "c1", 3 * MIN + 1));
      h.processBothWatermarks(new Watermark(4 * MIN));
      Map<String, ScoringRequest> out = byId(h.extractOutputValues());
      assertThat(out.get("corrected").features[0]).isEqualTo(5);
      assertThat(out.get("after-expiry").featureValidFrom).isEqualTo(-1);
      assertThat(out.get("after-expiry").features).containsOnly(Double.NaN);
      assertThat(h.numKeyedStateEntries()).as("an expired card with nothing waiting leaves no state").isZero();
    }
  }

  @Test
  void anEventBehindTheWatermarkIsScoredAtOnceWithTheRowsHeld() throws Exception {
    try (var h = harness()) {
      h.processElement1(row("c1", MIN, 1));
      h.processBothWatermarks(new Watermark(5 * MIN));
      h.processElement2(event("late", "c1", 2 * MIN));
      List<ScoringRequest> out = h.extractOutputValues();
      assertThat(out).singleElement().satisfies(r -> {
        assertThat(r.eventId).isEqualTo("late");
        assertThat(r.featureValidFrom).isEqualTo(MIN);
      });
    }
  }

  static KeyedTwoInputStreamOperatorTestHarness<String, FeatureRow, FeatureInput, ScoringRequest> harness() throws Exception {
    var h = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(new PointInTimeFeatures(2)),
        (FeatureRow r) -> r.entity, (FeatureInput i) -> i.entity, Types.STRING);
    h.open();
    return h;
  }

  static StreamRecord<FeatureInput> event(String id, String card, long time) {
    return new StreamRecord<>(new FeatureInput(card, id, time, new double[0], new String[0]), time);
  }

  static StreamRecord<FeatureRow> row(String card, long validFrom, double value) {
    return new StreamRecord<>(new FeatureRow(card, validFrom, validFrom * 1000, false, new double[] {value, value * 10}), validFrom);
  }

  static Map<String, ScoringRequest> byId(List<ScoringRequest> out) {
    return out.stream().collect(Collectors.toMap(r -> r.eventId, r -> r));
  }
}
