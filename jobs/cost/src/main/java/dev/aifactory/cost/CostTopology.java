package dev.aifactory.cost;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.cost.alerts.AlertEvent;
import dev.aifactory.cost.alerts.BurnRateAlerts;
import dev.aifactory.cost.alerts.IdleAcceleratorAlerts;
import dev.aifactory.cost.economics.MeteringSums;
import dev.aifactory.cost.economics.MeteringWindow;
import dev.aifactory.cost.economics.UnitEconomics;
import dev.aifactory.cost.economics.UnitEconomicsRow;
import dev.aifactory.cost.focus.FocusRow;
import dev.aifactory.cost.focus.FocusRows;
import dev.aifactory.cost.model.Metering;
import dev.aifactory.cost.model.Rejected;
import dev.aifactory.cost.model.ResourceWindow;
import dev.aifactory.cost.model.Sample;
import dev.aifactory.cost.model.UsageRecord;
import dev.aifactory.cost.prices.PriceBook;
import dev.aifactory.cost.sink.CostSinks;
import dev.aifactory.cost.window.ResourceWindows;
import java.time.Duration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The cost job as a function of its sources and sinks:
 *
 * <pre>
 * usage ─┬─ samples ─ keyBy resource ─ windows (prices broadcast) ─┬─ gold.cost_utilization
 *        │                                                        ├─ FOCUS rows ─ gold.cost_focus
 *        │                                                        ├─ keyBy window+model/job ─┐
 *        ├─ metering ─ keyBy job ─ tumbling sums ─────────────────┼──────────────────────────┴─ unit economics
 *        │                                                        └─ burn rate per team/workload, idle GPUs ─ alerts.cost
 *        └─ rejected (undecodable, invalid, too late) ─ gold.cost_rejected
 * </pre>
 */
public final class CostTopology {

  static final OutputTag<Metering> LATE_METERING = new OutputTag<>("late-metering") {};

  private CostTopology() {}

  public static void build(DataStream<UsageRecord> usage, DataStream<PriceBook.Entry> prices, CostSettings settings, CostSinks sinks) {
    DataStream<Sample> samples = usage.flatMap((UsageRecord r, Collector<Sample> out) -> {
      if (r.sample != null) {
        out.collect(r.sample);
      }
    }).returns(Sample.class).uid("samples").name("samples");
    DataStream<Metering> metering = usage.flatMap((UsageRecord r, Collector<Metering> out) -> {
      if (r.metering != null) {
        out.collect(r.metering);
      }
    }).returns(Metering.class).uid("metering").name("metering");
    DataStream<DeadLetter> unusable = usage.flatMap((UsageRecord r, Collector<DeadLetter> out) -> {
      if (r.rejected != null) {
        out.collect(r.rejected);
      }
    }).returns(DeadLetter.class).uid("unusable").name("unusable usage");

    SingleOutputStreamOperator<ResourceWindow> windows = samples
        .keyBy(s -> s.resourceId)
        .connect(prices.broadcast(ResourceWindows.PRICES))
        .process(new ResourceWindows(settings.windowMillis(), settings.maxSampleIntervalMillis(), settings.latenessMillis(),
            settings.prices()))
        .returns(ResourceWindow.class)
        .uid("resource-windows").name("resource windows");
    sinks.utilization(windows);
    FocusRows focus = new FocusRows(settings.providerName(), settings.serviceName());
    sinks.focus(windows.flatMap((ResourceWindow w, Collector<FocusRow> out) -> focus.of(w).forEach(out::collect))
        .returns(FocusRow.class).uid("focus-rows").name("FOCUS rows"));

    DataStream<MeteringWindow> meteringWindows = null;
    DataStream<Metering> lateMetering = null;
    for (long size : settings.windowMillis()) {
      SingleOutputStreamOperator<MeteringWindow> sums = metering
          .keyBy(m -> MeteringWindow.subject(m.labels) + "|" + m.labels.team)
          .window(TumblingEventTimeWindows.of(Duration.ofMillis(size)))
          .allowedLateness(Duration.ofMillis(settings.latenessMillis()))
          .sideOutputLateData(LATE_METERING)
          .aggregate(new MeteringSums(), new MeteringSums.WithBounds())
          .uid("metering-" + size).name("metering sums " + Duration.ofMillis(size));
      meteringWindows = meteringWindows == null ? sums : meteringWindows.union(sums);
      lateMetering = lateMetering == null ? sums.getSideOutput(LATE_METERING) : lateMetering.union(sums.getSideOutput(LATE_METERING));
    }
    DataStream<UnitEconomicsRow> economics = windows
        .filter(w -> w.labels.allocated())
        .keyBy(UnitEconomics::keyOf)
        .connect(meteringWindows.keyBy(UnitEconomics::keyOf))
        .process(new UnitEconomics(settings.latenessMillis()))
        .returns(UnitEconomicsRow.class)
        .uid("unit-economics").name("unit economics");
    sinks.unitEconomics(economics);

    DataStream<ResourceWindow> judged = windows.filter(w -> w.windowEnd - w.windowStart == settings.alertWindowMillis())
        .uid("alert-windows").name("alert windows");
    DataStream<AlertEvent> burn = judged
        .keyBy(w -> w.labels.budgetSubject())
        .process(new BurnRateAlerts(settings.budgets(), settings.budgetHysteresis(), settings.alertWindowMillis()))
        .returns(AlertEvent.class).uid("burn-rate-alerts").name("burn rate alerts");
    DataStream<AlertEvent> idle = judged
        .filter(w -> "gpu".equals(w.resourceType))
        .keyBy(w -> w.resourceId)
        .process(new IdleAcceleratorAlerts(settings.idleFloorPct(), settings.idleMarginPct(), settings.idleWindows()))
        .returns(AlertEvent.class).uid("idle-accelerator-alerts").name("idle accelerator alerts");
    sinks.alerts(burn.union(idle));

    DataStream<DeadLetter> late = lateMetering.map(m -> Rejected.of(Rejected.LATE, "metering record after its window closed",
        m.eventId, m.labels.job, m.time, Long.MIN_VALUE, System.currentTimeMillis())).returns(DeadLetter.class).name("late metering");
    sinks.rejected(unusable.union(windows.getSideOutput(ResourceWindows.REJECTED), late));
  }
}
