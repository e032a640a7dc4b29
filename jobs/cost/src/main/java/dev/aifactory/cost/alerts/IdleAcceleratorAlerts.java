package dev.aifactory.cost.alerts;

import dev.aifactory.cost.model.ResourceWindow;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The idle-accelerator rule, per GPU (the key): utilization below the floor for N windows in a
 * row raises an alert; it clears at the first window at or above the floor plus the margin, so a
 * GPU flickering around the floor stays raised rather than raising again and again.
 */
public final class IdleAcceleratorAlerts extends KeyedProcessFunction<String, ResourceWindow, AlertEvent> {

  private final double floorPct;
  private final double marginPct;
  private final int windows;
  private transient ValueState<Integer> lowInARow;
  private transient ValueState<Boolean> raised;

  public IdleAcceleratorAlerts(double floorPct, double marginPct, int windows) {
    this.floorPct = floorPct;
    this.marginPct = marginPct;
    this.windows = windows;
  }

  @Override
  public void open(OpenContext openContext) {
    lowInARow = getRuntimeContext().getState(new ValueStateDescriptor<>("low-in-a-row", Types.INT));
    raised = getRuntimeContext().getState(new ValueStateDescriptor<>("raised", Types.BOOLEAN));
  }

  @Override
  public void processElement(ResourceWindow w, Context ctx, Collector<AlertEvent> out) throws Exception {
    if (w.revision > 0 || w.coveredSeconds == 0) {
      return; // rules judge each window once, as it closes
    }
    double pct = w.utilizationAvg * 100;
    int low = pct < floorPct ? (lowInARow.value() == null ? 0 : lowInARow.value()) + 1 : 0;
    lowInARow.update(low);
    boolean isRaised = Boolean.TRUE.equals(raised.value());
    String id = AlertEvent.IDLE_ACCELERATOR + ":" + w.resourceId;
    if (!isRaised && low >= windows) {
      raised.update(true);
      out.collect(new AlertEvent(id, AlertEvent.IDLE_ACCELERATOR, "RAISED", w.resourceId, pct, floorPct, w.windowEnd,
          String.format(Locale.ROOT, "%s (%s, %s) below %.0f%% utilization for %d windows in a row (%.1f%% now)",
              w.resourceId, w.acceleratorType, w.labels.budgetSubject(), floorPct, low, pct)));
    } else if (isRaised && pct >= floorPct + marginPct) {
      raised.update(false);
      out.collect(new AlertEvent(id, AlertEvent.IDLE_ACCELERATOR, "CLEARED", w.resourceId, pct, floorPct, w.windowEnd,
          String.format(Locale.ROOT, "%s is busy again: %.1f%% utilization", w.resourceId, pct)));
    }
  }
}
