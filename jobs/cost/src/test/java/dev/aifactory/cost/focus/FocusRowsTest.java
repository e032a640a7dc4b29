package dev.aifactory.cost.focus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.aifactory.cost.TestWindows;
import dev.aifactory.cost.model.ResourceWindow;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FocusRowsTest {

  static final long START = Instant.parse("2026-01-31T23:59:00Z").toEpochMilli();
  final FocusRows focus = new FocusRows("self-hosted", "AI Factory");

  @Test
  void usageRowsCarryQuantitiesAndSplitTheAssetIntoWorkloadAndIdle() {
    ResourceWindow w = TestWindows.gpu("GPU-1", START, 60_000, 0.4, 0.05, 0.0167);
    List<FocusRow> rows = focus.of(w);
    assertThat(rows).extracting(r -> r.xCostAllocation + "/" + r.resourceType).containsExactly("workload/GPU", "idle/GPU", "workload/Energy");
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.chargeCategory).isEqualTo("Usage");
      assertThat(r.chargeClass).isNull();
      assertThat(r.consumedQuantity).isNotNull();
      assertThat(r.consumedUnit).isNotNull();
      assertThat(r.serviceCategory).isEqualTo("AI and Machine Learning");
      assertThat(r.contractedCost).isCloseTo(r.listCost * (r.resourceType.equals("GPU") ? 0.75 : 1), within(1e-12));
      assertThat(r.effectiveCost).isEqualTo(r.contractedCost);
      assertThat(r.billedCost).isEqualTo(r.contractedCost);
    });
    assertThat(rows.get(0).listCost + rows.get(1).listCost).isCloseTo(w.assetCost, within(1e-12));
    assertThat(rows.get(0).consumedQuantity).isCloseTo(0.05 / 4.0, within(1e-12));
    assertThat(rows.get(0).consumedUnit).isEqualTo("GPU-Hours");
    assertThat(rows.get(2).consumedQuantity).isCloseTo(0.01, within(1e-12));
    assertThat(rows.get(2).consumedUnit).isEqualTo("kWh");
    assertThat(rows.get(0).tags).contains("\"team\":\"risk\"", "\"model\":\"fraud:1\"", "\"allocation\":\"workload\"");
  }

  @Test
  void chargePeriodsAreTheWindowInUtcEndExclusiveAndBillingPeriodsTheMonth() {
    ResourceWindow first = TestWindows.gpu("GPU-1", START, 60_000, 0.4, 0.05, 0.01);
    ResourceWindow next = TestWindows.gpu("GPU-1", START + 60_000, 60_000, 0.4, 0.05, 0.01);
    FocusRow a = focus.of(first).get(0);
    FocusRow b = focus.of(next).get(0);
    assertThat(Instant.ofEpochMilli(a.chargePeriodStart)).isEqualTo("2026-01-31T23:59:00Z");
    assertThat(a.chargePeriodEnd).as("end exclusive: the next period starts where this one ends").isEqualTo(b.chargePeriodStart);
    assertThat(Instant.ofEpochMilli(a.billingPeriodStart)).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(Instant.ofEpochMilli(a.billingPeriodEnd)).isEqualTo("2026-02-01T00:00:00Z");
    assertThat(Instant.ofEpochMilli(b.billingPeriodStart)).as("a window starting at midnight UTC bills in the new month")
        .isEqualTo("2026-02-01T00:00:00Z");
  }

  @Test
  void aCorrectionIsAdjustmentRowsOfTheDifferenceWithoutQuantities() {
    ResourceWindow before = TestWindows.gpu("GPU-1", START, 60_000, 0.4, 0.05, 0.01);
    ResourceWindow after = TestWindows.gpu("GPU-1", START, 60_000, 0.5, 0.06, 0.01);
    after.revision = 1;
    after.previous = before;
    List<FocusRow> rows = focus.of(after);
    assertThat(rows).singleElement().satisfies(r -> {
      assertThat(r.chargeCategory).isEqualTo("Adjustment");
      assertThat(r.chargeClass).isEqualTo("Correction");
      assertThat(r.consumedQuantity).as("ConsumedQuantity only for Usage charges").isNull();
      assertThat(r.consumedUnit).isNull();
      assertThat(r.listCost).isCloseTo(0.01, within(1e-12));
      assertThat(r.xRevision).isEqualTo(1);
    });
  }

  @Test
  void tagsAreAJsonObjectEvenForOddLabelValues() throws Exception {
    ResourceWindow w = TestWindows.gpu("GPU-1", START, 60_000, 0.4, 0.05, 0.01);
    w.labels.job = "run \"7\" \\ a\nb";
    var tags = new com.fasterxml.jackson.databind.ObjectMapper().readTree(focus.of(w).get(0).tags);
    assertThat(tags.get("job").asText()).isEqualTo("run \"7\" \\ a\nb");
    assertThat(tags.get("team").asText()).isEqualTo("risk");
    assertThat(tags.get("allocation").asText()).isEqualTo("workload");
  }
}
