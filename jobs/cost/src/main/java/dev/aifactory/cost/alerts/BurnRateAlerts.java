package dev.aifactory.cost.alerts;

import dev.aifactory.cost.model.ResourceWindow;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The burn-rate rule, per team/workload class (the key): after each window, the month's spend
 * so far plus the window's rate for the rest of the month is the projected spend. Projected over
 * the budget raises an alert; it clears only when the projection falls below the budget less the
 * hysteresis, so a spend hovering at the budget raises one alert, not one per window.
 */
public final class BurnRateAlerts extends KeyedProcessFunction<String, ResourceWindow, AlertEvent> {

  private final Budgets budgets;
  private final double hysteresis;
  private final long windowMillis;
  private transient MapState<Long, Double> costByWindowEnd;
  private transient ValueState<Double> monthToDate;
  private transient ValueState<Long> month;
  private transient ValueState<Boolean> raised;

  /** Judges windows of {@code windowMillis}; {@code hysteresis} is the share below budget that clears an alert. */
  public BurnRateAlerts(Budgets budgets, double hysteresis, long windowMillis) {
    this.budgets = budgets;
    this.hysteresis = hysteresis;
    this.windowMillis = windowMillis;
  }

  @Override
  public void open(OpenContext openContext) {
    costByWindowEnd = getRuntimeContext().getMapState(new MapStateDescriptor<>("window-cost", Types.LONG, Types.DOUBLE));
    monthToDate = getRuntimeContext().getState(new ValueStateDescriptor<>("month-to-date", Types.DOUBLE));
    month = getRuntimeContext().getState(new ValueStateDescriptor<>("month", Types.LONG));
    raised = getRuntimeContext().getState(new ValueStateDescriptor<>("raised", Types.BOOLEAN));
  }

  @Override
  public void processElement(ResourceWindow w, Context ctx, Collector<AlertEvent> out) throws Exception {
    if (budgets.of(ctx.getCurrentKey()) == null) {
      return;
    }
    double delta = w.effectiveWorkloadCost() - (w.previous == null ? 0 : w.previous.effectiveWorkloadCost());
    Double sum = costByWindowEnd.get(w.windowEnd);
    if (sum == null && w.windowEnd <= ctx.timerService().currentWatermark()) {
      // A correction of a window already evaluated: it counts towards the month, not the rate.
      addToMonth(w.windowStart, delta);
      return;
    }
    costByWindowEnd.put(w.windowEnd, (sum == null ? 0 : sum) + delta);
    ctx.timerService().registerEventTimeTimer(w.windowEnd);
  }

  @Override
  public void onTimer(long windowEnd, OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
    Double cost = costByWindowEnd.get(windowEnd);
    costByWindowEnd.remove(windowEnd);
    if (cost == null) {
      return;
    }
    long size = windowMillis;
    double spent = addToMonth(windowEnd - size, cost);
    YearMonth ym = YearMonth.from(Instant.ofEpochMilli(windowEnd - 1).atZone(ZoneOffset.UTC));
    long monthEnd = ym.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    double projected = spent + cost / size * Math.max(0, monthEnd - windowEnd);
    double budget = budgets.of(ctx.getCurrentKey());
    boolean isRaised = Boolean.TRUE.equals(raised.value());
    String id = AlertEvent.BUDGET_BURN_RATE + ":" + ctx.getCurrentKey() + ":" + ym;
    if (!isRaised && projected > budget) {
      raised.update(true);
      out.collect(new AlertEvent(id, AlertEvent.BUDGET_BURN_RATE, "RAISED", ctx.getCurrentKey(), projected, budget, windowEnd,
          String.format(Locale.ROOT, "%s is on course to spend %.2f this month against a budget of %.2f (%.2f so far)",
              ctx.getCurrentKey(), projected, budget, spent)));
    } else if (isRaised && projected < budget * (1 - hysteresis)) {
      raised.update(false);
      out.collect(new AlertEvent(id, AlertEvent.BUDGET_BURN_RATE, "CLEARED", ctx.getCurrentKey(), projected, budget, windowEnd,
          String.format(Locale.ROOT, "%s is back on course: %.2f projected against a budget of %.2f",
              ctx.getCurrentKey(), projected, budget)));
    }
  }

  /**
   * Adds to the spend of the month {@code time} is in (a new month starts from zero) and returns
   * the current month's spend. A late correction to a month already closed changes that month's
   * cost rows, not the current month's burn rate.
   */
  private double addToMonth(long time, double cost) throws Exception {
    long m = YearMonth.from(Instant.ofEpochMilli(time).atZone(ZoneOffset.UTC)).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    if (month.value() != null && m < month.value()) {
      return monthToDate.value() == null ? 0 : monthToDate.value();
    }
    if (month.value() == null || month.value() < m) {
      month.update(m);
      monthToDate.update(0.0);
    }
    double total = (monthToDate.value() == null ? 0 : monthToDate.value()) + cost;
    monthToDate.update(total);
    return total;
  }
}
