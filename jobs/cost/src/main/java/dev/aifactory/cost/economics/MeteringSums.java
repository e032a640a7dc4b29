package dev.aifactory.cost.economics;

import dev.aifactory.cost.model.Metering;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Sums metering records per job and window (Flink's own tumbling windows: a plain sum needs no more). */
public final class MeteringSums implements AggregateFunction<Metering, MeteringWindow, MeteringWindow> {

  @Override
  public MeteringWindow createAccumulator() {
    return new MeteringWindow();
  }

  @Override
  public MeteringWindow add(Metering m, MeteringWindow acc) {
    acc.labels = m.labels;
    acc.rowsScored += m.rowsScored;
    acc.batches += m.batches;
    acc.inferenceMs += m.inferenceMs;
    acc.recordsIngested += m.recordsIngested;
    return acc;
  }

  @Override
  public MeteringWindow getResult(MeteringWindow acc) {
    return acc;
  }

  @Override
  public MeteringWindow merge(MeteringWindow a, MeteringWindow b) {
    a.rowsScored += b.rowsScored;
    a.batches += b.batches;
    a.inferenceMs += b.inferenceMs;
    a.recordsIngested += b.recordsIngested;
    a.labels = a.labels != null ? a.labels : b.labels;
    return a;
  }

  /** Stamps the window's bounds on its sum. */
  public static final class WithBounds extends ProcessWindowFunction<MeteringWindow, MeteringWindow, String, TimeWindow> {
    @Override
    public void process(String key, Context context, Iterable<MeteringWindow> sums, Collector<MeteringWindow> out) {
      for (MeteringWindow m : sums) {
        m.windowStart = context.window().getStart();
        m.windowEnd = context.window().getEnd();
        out.collect(m);
      }
    }
  }
}
