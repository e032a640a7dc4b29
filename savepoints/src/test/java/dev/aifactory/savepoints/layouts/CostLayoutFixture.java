package dev.aifactory.savepoints.layouts;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.common.JobConfig;
import dev.aifactory.cost.CostSettings;
import dev.aifactory.cost.CostTopology;
import dev.aifactory.cost.alerts.AlertEvent;
import dev.aifactory.cost.economics.UnitEconomicsRow;
import dev.aifactory.cost.focus.FocusRow;
import dev.aifactory.cost.model.Labels;
import dev.aifactory.cost.model.ResourceWindow;
import dev.aifactory.cost.model.Sample;
import dev.aifactory.cost.model.UsageRecord;
import dev.aifactory.cost.prices.PriceBook;
import dev.aifactory.cost.sink.CostSinks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.CloseableIterator;

/**
 * The cost job's topology over a fixed GPU's samples, for the state-layout savepoints: the job
 * runs to the middle of an hour, stops with a savepoint (samples of the open 1 h window sit in
 * keyed state as {@link Sample} POJOs), and a later build restores it and finishes the hour.
 */
final class CostLayoutFixture {

  /** 2026-03-01T00:00Z; samples every 10 s. */
  static final long T0 = 1_772_323_200_000L;
  static final long STEP = 10_000;
  /** The savepoint is taken after the first half hour. */
  static final int BEFORE = 180;
  /** Then 35 more minutes: the 1 h window closes, and a few minutes beyond. */
  static final int TOTAL = 390;

  static final WatermarkStrategy<UsageRecord> WATERMARKS = WatermarkStrategy.<UsageRecord>forMonotonousTimestamps()
      .withTimestampAssigner((r, ts) -> r.sample == null ? T0 : r.sample.time)
      .withIdleness(Duration.ofMinutes(10));

  private CostLayoutFixture() {}

  static CostSettings settings() {
    return CostSettings.from(JobConfig.load("cost-defaults.properties"));
  }

  /** Sample {@code i}: a busy-then-idle H200, utilization following a fixed pattern. */
  static UsageRecord sample(int i) {
    Sample s = new Sample();
    s.eventId = "gpu-0-" + i;
    s.time = T0 + i * STEP;
    s.resourceId = "gpu-0";
    s.resourceType = "gpu";
    s.acceleratorType = "H200";
    s.gpuUtilPct = (i * 37) % 100;
    s.powerW = 300 + (i % 7) * 50;
    s.energyMj = 1_000_000L + i * 4_000_000L;
    s.memoryGb = 64;
    // Sample.fbUsedMib arrived with layout v2; a v1 savepoint's samples restore without it.
    // Falling over time, so the hour's maximum tells which samples carried a value.
    s.fbUsedMib = 30_000 - i * 10;
    // Sample.gpuShare arrived with layout v3 (MIG): the whole GPU, which is what v1 and v2
    // samples mean without it, so the windows are the same either way.
    s.gpuShare = 1.0;
    s.labels = new Labels("risk", "online_inference", "scoring", "fraud:1");
    return UsageRecord.of(s);
  }

  static List<UsageRecord> samples(int from, int to) {
    List<UsageRecord> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(sample(i));
    }
    return out;
  }

  /** Wires the topology: prices from configuration only, outputs other than windows discarded. */
  static CloseableIterator<ResourceWindow> build(StreamExecutionEnvironment env, DataStream<UsageRecord> usage) {
    DataStream<PriceBook.Entry> prices = env.fromData(TypeInformation.of(PriceBook.Entry.class),
            new PriceBook.Entry("gpu-hour", "H200", 3.80, 3.80, "USD", T0))
        .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks()).uid("layout-prices");
    WindowSink sink = new WindowSink();
    CostTopology.build(usage, prices, settings(), sink);
    return sink.windows;
  }

  private static final class WindowSink implements CostSinks {
    CloseableIterator<ResourceWindow> windows;

    @Override
    public void utilization(DataStream<ResourceWindow> w) {
      windows = w.collectAsync();
    }

    @Override
    public void focus(DataStream<FocusRow> rows) {
      rows.sinkTo(new DiscardingSink<>());
    }

    @Override
    public void unitEconomics(DataStream<UnitEconomicsRow> rows) {
      rows.sinkTo(new DiscardingSink<>());
    }

    @Override
    public void alerts(DataStream<AlertEvent> alerts) {
      alerts.sinkTo(new DiscardingSink<>());
    }

    @Override
    public void rejected(DataStream<DeadLetter> rejected) {
      rejected.sinkTo(new DiscardingSink<>());
    }
  }
}
