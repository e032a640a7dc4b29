package dev.aifactory.cost.economics;

import dev.aifactory.cost.model.Labels;

import dev.aifactory.cost.model.ResourceWindow;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins a window's cost (the resource windows of one model or job) with its work (the metering
 * sums) when the watermark passes the window's end, and again, with the next revision, when a
 * correction or late metering changes either. Keyed by window and subject.
 */
public final class UnitEconomics extends KeyedCoProcessFunction<String, ResourceWindow, MeteringWindow, UnitEconomicsRow> {

  private final long latenessMs;
  private transient ValueState<UnitEconomicsRow> row;
  private transient ValueState<Boolean> emitted;

  public UnitEconomics(long latenessMs) {
    this.latenessMs = latenessMs;
  }

  /**
   * The key both inputs share: window size, start, team and subject. The team is part of it:
   * two teams may serve a model of the same name, and without it one team's metering overwrote
   * the other's rows scored and their costs were summed into one row.
   */
  public static String key(long windowStart, long windowEnd, Labels labels) {
    return (windowEnd - windowStart) + ":" + windowStart + ":" + labels.team + ":" + MeteringWindow.subject(labels);
  }

  public static String keyOf(ResourceWindow w) {
    return key(w.windowStart, w.windowEnd, w.labels);
  }

  public static String keyOf(MeteringWindow m) {
    return key(m.windowStart, m.windowEnd, m.labels);
  }

  @Override
  public void open(OpenContext openContext) {
    row = getRuntimeContext().getState(new ValueStateDescriptor<>("row", TypeInformation.of(UnitEconomicsRow.class)));
    emitted = getRuntimeContext().getState(new ValueStateDescriptor<>("emitted", Boolean.class));
  }

  @Override
  public void processElement1(ResourceWindow w, Context ctx, Collector<UnitEconomicsRow> out) throws Exception {
    UnitEconomicsRow r = current(w.windowStart, w.windowEnd, MeteringWindow.subject(w.labels), w.labels.workloadClass, w.labels.team, ctx);
    double before = w.previous == null ? 0 : w.previous.effectiveWorkloadCost();
    r.effectiveCost += w.effectiveWorkloadCost() - before;
    if ("gpu".equals(w.resourceType)) {
      r.acceleratorHours += w.quantity - (w.previous == null ? 0 : w.previous.quantity);
    }
    update(r, out);
  }

  @Override
  public void processElement2(MeteringWindow m, Context ctx, Collector<UnitEconomicsRow> out) throws Exception {
    UnitEconomicsRow r = current(m.windowStart, m.windowEnd, MeteringWindow.subject(m.labels), m.labels.workloadClass, m.labels.team, ctx);
    // A late metering record re-fires its window with the new total, not an increment.
    r.rowsScored = m.rowsScored;
    r.recordsIngested = m.recordsIngested;
    update(r, out);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<UnitEconomicsRow> out) throws Exception {
    UnitEconomicsRow r = row.value();
    if (r == null) {
      return;
    }
    if (timestamp == r.windowEnd) {
      emit(r, out);
      emitted.update(true);
    } else {
      row.clear();
      emitted.clear();
    }
  }

  private UnitEconomicsRow current(long start, long end, String subject, String workloadClass, String team, Context ctx) throws Exception {
    UnitEconomicsRow r = row.value();
    if (r == null) {
      r = new UnitEconomicsRow();
      r.windowStart = start;
      r.windowEnd = end;
      r.subject = subject.substring(subject.indexOf('|') + 1);
      r.workloadClass = workloadClass;
      r.team = team;
      r.revision = -1;
      ctx.timerService().registerEventTimeTimer(end);
      ctx.timerService().registerEventTimeTimer(end + latenessMs + 1);
    }
    return r;
  }

  private void update(UnitEconomicsRow r, Collector<UnitEconomicsRow> out) throws Exception {
    row.update(r);
    if (Boolean.TRUE.equals(emitted.value())) {
      emit(r, out);
    }
  }

  private void emit(UnitEconomicsRow r, Collector<UnitEconomicsRow> out) throws Exception {
    r.revision++;
    r.costPer1kPredictions = r.rowsScored > 0 ? r.effectiveCost / r.rowsScored * 1000 : Double.NaN;
    r.costPerMillionRecords = r.recordsIngested > 0 ? r.effectiveCost / r.recordsIngested * 1e6 : Double.NaN;
    r.predictionsPerAcceleratorHour = r.acceleratorHours > 0 ? r.rowsScored / r.acceleratorHours : Double.NaN;
    row.update(r);
    UnitEconomicsRow copy = new UnitEconomicsRow();
    copy.windowStart = r.windowStart;
    copy.windowEnd = r.windowEnd;
    copy.workloadClass = r.workloadClass;
    copy.subject = r.subject;
    copy.team = r.team;
    copy.effectiveCost = r.effectiveCost;
    copy.rowsScored = r.rowsScored;
    copy.recordsIngested = r.recordsIngested;
    copy.acceleratorHours = r.acceleratorHours;
    copy.costPer1kPredictions = r.costPer1kPredictions;
    copy.costPerMillionRecords = r.costPerMillionRecords;
    copy.predictionsPerAcceleratorHour = r.predictionsPerAcceleratorHour;
    copy.revision = r.revision;
    out.collect(copy);
  }
}
