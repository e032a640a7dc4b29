package dev.aifactory.ingest.dq;

import dev.aifactory.ingest.model.IngestMetering;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Counts records per domain and window, for metering. */
public final class RecordsPerDomain {

  private RecordsPerDomain() {}

  public static final class Count implements AggregateFunction<String, Long, Long> {
    @Override
    public Long createAccumulator() {
      return 0L;
    }

    @Override
    public Long add(String domain, Long acc) {
      return acc + 1;
    }

    @Override
    public Long getResult(Long acc) {
      return acc;
    }

    @Override
    public Long merge(Long a, Long b) {
      return a + b;
    }
  }

  /**
   * The window's count as metering. Should a window fire more than once (allowed lateness, a
   * different window assigner), only the records not yet metered are emitted, so the metering
   * adds up to the records once.
   */
  public static final class AsMetering extends ProcessWindowFunction<Long, IngestMetering, String, TimeWindow> {
    private static final ValueStateDescriptor<Long> METERED = new ValueStateDescriptor<>("metered", Long.class);

    @Override
    public void process(String domain, Context ctx, Iterable<Long> counts, Collector<IngestMetering> out) throws Exception {
      ValueState<Long> metered = ctx.windowState().getState(METERED);
      long before = metered.value() == null ? 0 : metered.value();
      long now = counts.iterator().next();
      if (now > before) {
        metered.update(now);
        out.collect(new IngestMetering(domain, ctx.window().getStart(), ctx.window().getEnd(), now - before, now));
      }
    }

    @Override
    public void clear(Context ctx) {
      ctx.windowState().getState(METERED).clear();
    }
  }
}
