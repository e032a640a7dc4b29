package dev.aifactory.cost.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.cost.TestWindows;
import dev.aifactory.cost.model.ResourceWindow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class CostAlertsTest {

  static final long MIN = 60_000;
  static final long T0 = Instant.parse("2026-06-10T00:00:00Z").toEpochMilli();

  @Test
  void anIdleGpuRaisesOneAlertAfterNWindowsAndClearsOnceWhenBusyAgain() throws Exception {
    double[] utilization = {0.5, 0.01, 0.02, 0.01, 0.03, 0.02, 0.04, 0.06, 0.01, 0.02, 0.3, 0.02};
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new IdleAcceleratorAlerts(5, 5, 3)),
        (ResourceWindow w) -> w.resourceId, Types.STRING)) {
      h.open();
      for (int i = 0; i < utilization.length; i++) {
        ResourceWindow w = TestWindows.gpu("GPU-7", T0 + i * MIN, MIN, utilization[i], 0.06, 0);
        h.processElement(new StreamRecord<>(w, w.windowEnd - 1));
      }
      List<AlertEvent> alerts = h.extractOutputValues();
      assertThat(alerts).extracting(a -> a.state + "@" + (a.windowEnd - T0) / MIN)
          .as("raised at the 3rd low window; 6% is above the floor but not the floor plus margin, so it stays raised; 30% clears")
          .containsExactly("RAISED@4", "CLEARED@11");
      assertThat(alerts).extracting(a -> a.alertId).containsOnly("IDLE_ACCELERATOR:GPU-7");
    }
  }

  @Test
  void aBudgetBreachRaisesOnceAndClearsOnceAcrossTheBreach() throws Exception {
    // Budget 100 a month. From June 10, 21 days (30,240 minutes) are left: a rate per minute
    // projects to about 30,240 times it. 0.003 projects 90.7 (under), 0.004 121 (over: raise),
    // 0.0032 and 0.0031 97 and 94 (under the budget but above the 90 clearing level: still
    // raised), 0.004 again (already raised: no second alert), 0.0028 85 (clears).
    Budgets budgets = new Budgets(Map.of("risk/online_inference", 100.0));
    double[] perMinute = {0.003, 0.004, 0.0042, 0.0032, 0.0031, 0.004, 0.0031, 0.0028};
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new BurnRateAlerts(budgets, 0.1, MIN)), (ResourceWindow w) -> w.labels.budgetSubject(), Types.STRING)) {
      h.open();
      for (int i = 0; i < perMinute.length; i++) {
        ResourceWindow w = TestWindows.gpu("GPU-1", T0 + i * MIN, MIN, 0.9, perMinute[i], 0);
        w.energyCost = 0;
        w.contractedRatio = 1;
        h.processElement(new StreamRecord<>(w, w.windowEnd - 1));
        h.processWatermark(new Watermark(w.windowEnd));
      }
      List<AlertEvent> alerts = h.extractOutputValues();
      assertThat(alerts).extracting(a -> a.state + "@" + (a.windowEnd - T0) / MIN)
          .containsExactly("RAISED@2", "CLEARED@8");
      assertThat(alerts.get(0).value).isGreaterThan(100);
      assertThat(alerts.get(1).value).isLessThan(90);
      assertThat(alerts.get(0).alertId).isEqualTo(alerts.get(1).alertId);
    }
  }

  @Test
  void aLateCorrectionToLastMonthsFinalWindowIsNotAddedToThisMonthsBurn() throws Exception {
    // Hourly windows, budget 1,000 a month. February's first hours cost 1 each: projected ~673.
    // Then January's last window (23:00-24:00, cost 10) is corrected to 1,000: January's spend,
    // not February's. Counted in February, the projection would be ~1,663 and raise an alert.
    long hour = 3_600_000L;
    long feb = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();
    Budgets budgets = new Budgets(Map.of("risk/online_inference", 1_000.0));
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new BurnRateAlerts(budgets, 0.1, hour)), (ResourceWindow w) -> w.labels.budgetSubject(), Types.STRING)) {
      h.open();
      ResourceWindow janLast = window(feb - hour, hour, 10);
      h.processElement(new StreamRecord<>(janLast, janLast.windowEnd - 1));
      h.processWatermark(new Watermark(janLast.windowEnd));
      ResourceWindow feb1 = window(feb, hour, 1);
      h.processElement(new StreamRecord<>(feb1, feb1.windowEnd - 1));
      h.processWatermark(new Watermark(feb1.windowEnd));

      ResourceWindow corrected = window(feb - hour, hour, 1_000);
      corrected.previous = janLast;
      h.processElement(new StreamRecord<>(corrected, corrected.windowEnd - 1));
      ResourceWindow feb2 = window(feb + hour, hour, 1);
      h.processElement(new StreamRecord<>(feb2, feb2.windowEnd - 1));
      h.processWatermark(new Watermark(feb2.windowEnd));
      assertThat(h.extractOutputValues()).as("February is on course").isEmpty();
    }
  }

  private static ResourceWindow window(long start, long size, double cost) {
    ResourceWindow w = TestWindows.gpu("GPU-1", start, size, 0.9, cost, 0);
    w.energyCost = 0;
    w.contractedRatio = 1;
    return w;
  }
}
