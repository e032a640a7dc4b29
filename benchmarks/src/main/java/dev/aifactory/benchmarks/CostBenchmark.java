package dev.aifactory.benchmarks;

import dev.aifactory.cost.CostJobMain;
import dev.aifactory.cost.focus.FocusRow;
import dev.aifactory.cost.focus.FocusRows;
import dev.aifactory.cost.model.Labels;
import dev.aifactory.cost.model.ResourceWindow;
import dev.aifactory.cost.model.Sample;
import dev.aifactory.cost.prices.PriceBook;
import dev.aifactory.cost.window.ResourceWindows;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * The cost job's window operator (1 min and 1 h windows per GPU, then FOCUS rows) against Flink
 * SQL {@code TUMBLE} windows computing the same aggregates per GPU (sample count, average and
 * busy utilization, energy from the counter, cost of the covered hours), over the same
 * generated GPU samples (every 15 s, a counter that resets now and then), in one run. Each
 * variant is a bounded job from the same generator source to a discarding sink; throughput is
 * samples over the job's wall time. The SQL variant counts a sample for 15 s and takes energy
 * as the counter's max minus min, so it is cheaper and wrong at gaps and resets: it is the
 * baseline a user would write first.
 *
 * Options: {@code --gpus}, {@code --hours}, {@code --rounds}, {@code --parallelism}.
 */
public final class CostBenchmark {

  static final long STEP = 15_000;
  static final long T0 = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();

  public static void main(String[] args) throws Exception {
    Map<String, String> options = BenchmarkReport.args(args);
    int gpus = Integer.parseInt(options.getOrDefault("gpus", "200"));
    double hours = Double.parseDouble(options.getOrDefault("hours", "6"));
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
    int parallelism = Integer.parseInt(options.getOrDefault("parallelism", "2"));
    long perGpu = (long) (hours * 3600_000 / STEP);
    long samples = gpus * perGpu;

    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    for (int round = 0; round <= rounds; round++) {
      // Round 0 warms the JVM and is not counted.
      double job = timed(() -> costJob(gpus, samples, parallelism));
      double sql = timed(() -> tumbleSql(gpus, samples, parallelism));
      if (round > 0) {
        seconds.computeIfAbsent("cost_job", k -> new ArrayList<>()).add(job);
        seconds.computeIfAbsent("sql_tumble", k -> new ArrayList<>()).add(sql);
      }
      System.out.printf("round %d: cost job %.1f s, SQL TUMBLE %.1f s%n", round, job, sql);
    }
    Map<String, Double> perSecond = new LinkedHashMap<>();
    seconds.forEach((k, v) -> perSecond.put(k, samples / BenchmarkReport.median(v)));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "cost");
    json.put("measured_at", Instant.now().toString());
    json.put("samples_per_second", perSecond);
    json.put("ratio_vs_tumble", BenchmarkReport.round(perSecond.get("cost_job") / perSecond.get("sql_tumble")));
    json.put("seconds_per_round", seconds);
    json.put("parameters", Map.of("gpus", gpus, "hours_of_event_time", hours, "samples", samples, "sample_interval_s", STEP / 1000,
        "windows", "1 min and 1 h", "parallelism", parallelism, "rounds", rounds,
        "statistic", "median of the counted rounds, after one warm-up round; bounded jobs, wall time from submission to the end",
        "state_backend", "hashmap"));
    BenchmarkReport.save(Path.of(options.getOrDefault("out", "results")), "cost", json,
        "Cost windows, samples/s (higher is better)", perSecond);
  }

  interface Job {
    void run() throws Exception;
  }

  static double timed(Job job) throws Exception {
    long start = System.nanoTime();
    job.run();
    return (System.nanoTime() - start) / 1e9;
  }

  static Sample sample(long index, int gpus) {
    int gpu = (int) (index % gpus);
    long step = index / gpus;
    Sample s = new Sample();
    s.eventId = gpu + "@" + step;
    s.time = T0 + step * STEP;
    s.resourceId = "GPU-" + gpu;
    s.resourceType = "gpu";
    s.acceleratorType = "H200";
    s.gpuUtilPct = (step * 7 + gpu * 13) % 101;
    s.powerW = 300;
    // a reboot every 1,000 samples resets the energy counter
    s.energyMj = (step % 1_000) * 4_500_000L;
    s.labels = gpu % 5 == 0 ? new Labels("platform", Labels.UNALLOCATED, null, null) : new Labels("risk", "online_inference", "scoring", "fraud:1");
    return s;
  }

  static StreamExecutionEnvironment environment(int parallelism) {
    Configuration conf = new Configuration();
    conf.setString("state.backend.type", "hashmap");
    conf.setString("pipeline.object-reuse", "true");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    return env;
  }

  static void costJob(int gpus, long samples, int parallelism) throws Exception {
    StreamExecutionEnvironment env = environment(parallelism);
    DataGeneratorSource<Sample> source = new DataGeneratorSource<>(i -> sample(i, gpus), samples, RateLimiterStrategy.noOp(),
        TypeInformation.of(Sample.class));
    DataStream<Sample> stream = env.fromSource(source,
        WatermarkStrategy.<Sample>forBoundedOutOfOrderness(Duration.ofSeconds(30)).withTimestampAssigner((s, t) -> s.time), "samples");
    PriceBook book = new PriceBook(List.of(new PriceBook.Entry(PriceBook.GPU_HOUR, "H200", 3.8, 3.8, "USD", Long.MIN_VALUE),
        new PriceBook.Entry(PriceBook.KWH, null, 0.15, 0.15, "USD", Long.MIN_VALUE)));
    // One price message (the same H200 price again), as the job's prices topic would carry.
    PriceBook.Entry again = book.entries().get(0);
    DataGeneratorSource<PriceBook.Entry> priceTopic = new DataGeneratorSource<>(i -> again, 1, RateLimiterStrategy.noOp(),
        TypeInformation.of(PriceBook.Entry.class));
    DataStream<PriceBook.Entry> prices = env.fromSource(priceTopic, CostJobMain.neverHoldsBackEventTime(), "prices");
    FocusRows focus = new FocusRows("self-hosted", "AI Factory");
    stream.keyBy(s -> s.resourceId)
        .connect(prices.broadcast(ResourceWindows.PRICES))
        .process(new ResourceWindows(new long[] {60_000, 3_600_000}, 30_000, 60_000, book))
        .returns(ResourceWindow.class)
        .flatMap((ResourceWindow w, Collector<FocusRow> out) -> focus.of(w).forEach(out::collect))
        .returns(FocusRow.class)
        .sinkTo(new DiscardingSink<>());
    env.execute("cost job");
  }

  static void tumbleSql(int gpus, long samples, int parallelism) throws Exception {
    StreamExecutionEnvironment env = environment(parallelism);
    StreamTableEnvironment tables = StreamTableEnvironment.create(env);
    DataGeneratorSource<Row> source = new DataGeneratorSource<>(i -> {
      Sample s = sample(i, gpus);
      return Row.ofKind(RowKind.INSERT, s.resourceId, s.labels.team, s.labels.workloadClass, Instant.ofEpochMilli(s.time),
          s.gpuUtilPct, s.energyMj);
    }, samples, RateLimiterStrategy.noOp(), Types.ROW_NAMED(new String[] {"resource_id", "team", "workload_class", "ts", "util", "energy_mj"},
        Types.STRING, Types.STRING, Types.STRING, Types.INSTANT, Types.DOUBLE, Types.LONG));
    DataStream<Row> stream = env.fromSource(source,
        WatermarkStrategy.<Row>forBoundedOutOfOrderness(Duration.ofSeconds(30))
            .withTimestampAssigner((r, t) -> ((Instant) r.getField(3)).toEpochMilli()), "samples");
    tables.createTemporaryView("samples", stream, Schema.newBuilder()
        .columnByExpression("rowtime", "CAST(ts AS TIMESTAMP_LTZ(3))")
        .watermark("rowtime", "SOURCE_WATERMARK()")
        .build());
    tables.executeSql("CREATE TEMPORARY TABLE out_1m (resource_id STRING, team STRING, window_start TIMESTAMP(3), n BIGINT, util_avg DOUBLE,"
        + " busy_s DOUBLE, energy_kwh DOUBLE, cost DOUBLE) WITH ('connector' = 'blackhole')");
    tables.executeSql("CREATE TEMPORARY TABLE out_1h WITH ('connector' = 'blackhole') LIKE out_1m");
    StatementSet set = tables.createStatementSet();
    for (String[] w : new String[][] {{"out_1m", "1", "MINUTE"}, {"out_1h", "1", "HOUR"}}) {
      set.addInsertSql("INSERT INTO " + w[0] + " SELECT resource_id, MAX(team), window_start, COUNT(*), AVG(util), SUM(util / 100 * 15),"
          + " (MAX(energy_mj) - MIN(energy_mj)) / 3.6e9, COUNT(*) * 15 / 3600.0 * 3.8"
          + " FROM TABLE(TUMBLE(TABLE samples, DESCRIPTOR(rowtime), INTERVAL '" + w[1] + "' " + w[2] + "))"
          + " GROUP BY resource_id, window_start, window_end");
    }
    set.execute().await();
  }

  private CostBenchmark() {}
}
