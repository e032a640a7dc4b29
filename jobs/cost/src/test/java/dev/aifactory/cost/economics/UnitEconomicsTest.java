package dev.aifactory.cost.economics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.cost.model.Labels;
import dev.aifactory.cost.model.ResourceWindow;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class UnitEconomicsTest {

  private static final long START = 1_767_225_600_000L;
  private static final long END = START + 3_600_000L;

  @Test
  void twoTeamsServingAModelOfTheSameNameGetARowEach() throws Exception {
    // Keyed exactly as the cost topology keys both inputs.
    try (var h = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(new UnitEconomics(60_000)),
        UnitEconomics::keyOf, UnitEconomics::keyOf, Types.STRING)) {
      h.open();
      Labels risk = new Labels("risk", "inference", "scoring", "fraud");
      Labels payments = new Labels("payments", "inference", "scoring", "fraud");
      h.processElement1(cost(risk, 2.0), START);
      h.processElement1(cost(payments, 6.0), START);
      h.processElement2(metering(risk, 1_000), START);
      h.processElement2(metering(payments, 3_000), START);
      h.processBothWatermarks(new Watermark(END));

      Map<String, UnitEconomicsRow> byTeam = h.extractOutputValues().stream()
          .collect(Collectors.toMap(r -> r.team, r -> r));
      assertThat(byTeam).containsOnlyKeys("risk", "payments");
      assertThat(byTeam.get("risk").rowsScored).isEqualTo(1_000);
      assertThat(byTeam.get("risk").effectiveCost).isEqualTo(2.0);
      assertThat(byTeam.get("risk").costPer1kPredictions).isEqualTo(2.0);
      assertThat(byTeam.get("payments").rowsScored).isEqualTo(3_000);
      assertThat(byTeam.get("payments").costPer1kPredictions).isEqualTo(2.0);
    }
  }

  private static ResourceWindow cost(Labels labels, double workloadCost) {
    ResourceWindow w = new ResourceWindow();
    w.resourceId = "gpu-" + labels.team;
    w.resourceType = "gpu";
    w.labels = labels;
    w.windowStart = START;
    w.windowEnd = END;
    w.workloadCost = workloadCost;
    w.contractedRatio = 1;
    w.energyContractedRatio = 1;
    return w;
  }

  private static MeteringWindow metering(Labels labels, long rows) {
    MeteringWindow m = new MeteringWindow();
    m.labels = labels;
    m.windowStart = START;
    m.windowEnd = END;
    m.rowsScored = rows;
    return m;
  }
}
