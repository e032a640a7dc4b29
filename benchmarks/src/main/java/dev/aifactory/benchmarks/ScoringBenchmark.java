package dev.aifactory.benchmarks;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.models.Checksums;
import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.runtime.BatchScorer;
import dev.aifactory.models.runtime.ExecutionProvider;
import dev.aifactory.models.runtime.SharedSessions;
import dev.aifactory.scoring.ScoringTopology;
import dev.aifactory.scoring.batch.BatchScoringJob;
import dev.aifactory.scoring.model.Prediction;
import dev.aifactory.scoring.model.ScoringRequest;
import dev.aifactory.scoring.operator.ScoringSettings;
import dev.aifactory.training.data.Examples;
import dev.aifactory.training.model.Hyperparameters;
import dev.aifactory.training.model.LogisticModel;
import dev.aifactory.training.model.SgdTrainer;
import dev.aifactory.training.onnx.OnnxExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.legacy.SinkFunction;

/**
 * The scoring operator against ONNX Runtime itself, on the same model (the fraud model's shape:
 * 10 features, preprocessing and logistic regression in the graph) and the same rows:
 *
 * <ul>
 *   <li>{@code raw_ort_batch_<n>}: a plain loop over {@link BatchScorer} with batches of n, no
 *       Flink: the limit;
 *   <li>{@code per_record_ort}: one ONNX Runtime call per row, what a map function calling the
 *       model would do;
 *   <li>{@code operator_<n>_<delay>ms}: the Flink job (source, scoring operator, sink) at
 *       parallelism 1, saturated for throughput, then at a fixed rate for the latency the
 *       operator adds (arrival to result, measured per record inside the operator).
 * </ul>
 *
 * Options: {@code --rows}, {@code --provider cpu|cuda}, {@code --rate}, {@code --name}.
 */
public final class ScoringBenchmark {

  static final int[][] CONFIGS = {{16, 1}, {64, 2}, {256, 5}, {1024, 10}};

  /** Rows and per-record results shared with the in-process mini cluster's tasks. */
  static double[][] rows;
  static long[] latencies = new long[0];
  static final AtomicLong RECEIVED = new AtomicLong();
  static final AtomicLong FIRST_NANOS = new AtomicLong();
  static final AtomicLong LAST_NANOS = new AtomicLong();

  public static void main(String[] args) throws Exception {
    Map<String, String> options = BenchmarkReport.args(args);
    int n = Integer.parseInt(options.getOrDefault("rows", "1000000"));
    int rate = Integer.parseInt(options.getOrDefault("rate", "20000"));
    ExecutionProvider provider = ExecutionProvider.parse(options.getOrDefault("provider", "cpu"));
    String name = options.getOrDefault("name", provider == ExecutionProvider.CPU ? "scoring" : "scoring-cuda");
    Path dir = Files.createTempDirectory("scoring-bench");
    FeatureView view = FeatureViews.load("card_activity");
    ModelVersion model = trainModel(dir, view);
    rows = randomRows(n, view.features().size(), 7);

    Measured fraud = measure(model, provider, n, rate);
    // The same harness on a model whose inference costs microseconds per row.
    int hidden = Integer.parseInt(options.getOrDefault("mlp-hidden", "1024"));
    Path mlpFile = dir.resolve("mlp.onnx");
    Files.write(mlpFile, SyntheticMlp.onnx(model.signature(), hidden, 3));
    ModelVersion mlp = new ModelVersion("mlp", 1, ModelStage.CHAMPION, mlpFile.toString(), Checksums.sha256(mlpFile), model.signature());
    Measured heavier = measure(mlp, provider, Math.max(n / 10, 50_000), rate);

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", name);
    json.put("measured_at", Instant.now().toString());
    json.put("provider", fraud.provider());
    json.putAll(fraud.summary());
    json.put("latency_goal", "p99 added latency <= max delay + 2 ms, at " + rate + " rows/s");
    json.put("mlp_" + view.features().size() + "x" + hidden + "x" + hidden + "x1", heavier.summary());
    json.put("parameters", Map.of("rows", n, "mlp_rows", Math.max(n / 10, 50_000), "latency_rate_rows_per_second", rate,
        "latency_run_rows", Math.max(rate * 5, 10_000), "features", view.features().size(),
        "model", "card_activity v1 logistic regression (ONNX, opset 13, preprocessing in the graph)",
        "parallelism", 1, "statistic", "median of 3 runs for throughput; throughput of a run is rows over the time between the first and the last result",
        "flink_job", "generator source -> scoring operator (two-input: events + registry changes) -> discarding sink, object reuse on"));
    Map<String, Double> bars = new LinkedHashMap<>();
    fraud.rowsPerSecond().forEach((k, v) -> bars.put(k.replace("raw_ort_batch_", "raw ").replace("operator_", "op ")
        .replace("per_record_ort", "per record"), v));
    BenchmarkReport.save(Path.of(options.getOrDefault("out", "results")), name, json,
        "Fraud model scoring, rows/s, log scale (" + fraud.provider() + ", parallelism 1, higher is better)", round(bars), true);
  }

  /** Throughput of every variant and the operator's added latency, for one model. */
  record Measured(String provider, Map<String, Double> rowsPerSecond, Map<String, Object> latency) {
    Map<String, Object> summary() {
      String best = rowsPerSecond.keySet().stream().filter(k -> k.startsWith("operator_"))
          .max((a, b) -> Double.compare(rowsPerSecond.get(a), rowsPerSecond.get(b))).orElseThrow();
      int bestBatch = Integer.parseInt(best.split("_")[1]);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rows_per_second", round(rowsPerSecond));
      m.put("best_operator", best);
      m.put("ratio_vs_raw_ort", BenchmarkReport.round(rowsPerSecond.get(best) / rowsPerSecond.get("raw_ort_batch_" + bestBatch)));
      m.put("ratio_vs_per_record", BenchmarkReport.round(rowsPerSecond.get(best) / rowsPerSecond.get("per_record_ort")));
      m.put("added_latency_ms", latency);
      return m;
    }
  }

  static Measured measure(ModelVersion model, ExecutionProvider provider, int n, int rate) throws Exception {
    Map<String, Double> rowsPerSecond = new LinkedHashMap<>();
    String runningOn;
    try (BatchScorer one = new BatchScorer(SharedSessions.acquire(model, provider, 0), 1)) {
      runningOn = one.lease().provider().running().name();
      rowsPerSecond.put("per_record_ort", median(3, () -> loop(one, Math.min(n, 100_000))));
    }
    for (int[] config : CONFIGS) {
      try (BatchScorer scorer = new BatchScorer(SharedSessions.acquire(model, provider, 0), config[0])) {
        rowsPerSecond.put("raw_ort_batch_" + config[0], median(3, () -> loop(scorer, n)));
      }
    }
    Map<String, Object> latency = new LinkedHashMap<>();
    for (int[] config : CONFIGS) {
      ScoringSettings settings = new ScoringSettings(model.name(), config[0], config[1], provider, 0, 0, 0.5, 0.9);
      String variant = "operator_" + config[0] + "_" + config[1] + "ms";
      rowsPerSecond.put(variant, median(3, () -> runOperator(model, settings, n, 0)));
      runOperator(model, settings, Math.max(rate * 5, 10_000), rate);
      latency.put(variant, latencySummary(config[1]));
    }
    return new Measured(runningOn, rowsPerSecond, latency);
  }

  interface Run {
    double rowsPerSecond() throws Exception;
  }

  static double median(int runs, Run run) throws Exception {
    List<Double> results = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      results.add(run.rowsPerSecond());
    }
    return BenchmarkReport.median(results);
  }

  static double loop(BatchScorer scorer, int n) throws Exception {
    int batch = scorer.maxRows();
    double sink = 0;
    long start = System.nanoTime();
    for (int from = 0; from < n; from += batch) {
      int size = Math.min(batch, n - from);
      for (int i = 0; i < size; i++) {
        scorer.set(i, rows[from + i]);
      }
      sink += scorer.score(size)[0];
    }
    long took = System.nanoTime() - start;
    if (sink == 42) {
      System.out.print("");
    }
    return n / (took / 1e9);
  }

  /** Runs the job over {@code n} rows (at {@code rate} rows/s, 0 for as fast as it goes); returns result rows per second. */
  static double runOperator(ModelVersion model, ScoringSettings settings, int n, int rate) throws Exception {
    latencies = new long[n];
    RECEIVED.set(0);
    FIRST_NANOS.set(0);
    Configuration conf = new Configuration();
    // Records are not mutated after they are emitted, so chained operators may pass them on
    // without a copy (the scoring job sets the same). Buffers flush at once in the latency runs:
    // otherwise a half-full network buffer waits up to 100 ms, which is not the operator's doing.
    conf.setString("pipeline.object-reuse", "true");
    conf.setString("execution.buffer-timeout.interval", rate > 0 ? "0 ms" : "100 ms");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(1);
    DataGeneratorSource<ScoringRequest> source = new DataGeneratorSource<>(
        index -> {
          int i = (int) (index % rows.length);
          return new ScoringRequest("tx-" + index, "card-" + (index % 1000), index, -1, rows[i]);
        },
        n, rate > 0 ? RateLimiterStrategy.perSecond(rate) : RateLimiterStrategy.noOp(), TypeInformation.of(ScoringRequest.class));
    DataStream<ScoringRequest> requests = env.fromSource(source, WatermarkStrategy.noWatermarks(), "rows");
    BatchScoringJob.score(env, requests, model, settings).addSink(new Collect()).name("collect");
    env.execute("scoring-benchmark");
    if (RECEIVED.get() != n) {
      throw new IllegalStateException("expected " + n + " results, got " + RECEIVED.get());
    }
    return (n - 1) / ((LAST_NANOS.get() - FIRST_NANOS.get()) / 1e9);
  }

  /** Records arrival times and the operator's per-record latency, in this JVM. */
  static final class Collect implements SinkFunction<Prediction> {
    @Override
    public void invoke(Prediction p, Context context) {
      long now = System.nanoTime();
      FIRST_NANOS.compareAndSet(0, now);
      LAST_NANOS.set(now);
      latencies[(int) RECEIVED.getAndIncrement()] = p.latencyMicros;
    }
  }

  static Map<String, Object> latencySummary(int maxDelayMs) {
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    double p50 = sorted[sorted.length / 2] / 1000.0;
    double p99 = sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1000.0;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50", BenchmarkReport.round(p50));
    m.put("p99", BenchmarkReport.round(p99));
    m.put("max_delay", maxDelayMs);
    m.put("meets_goal", p99 <= maxDelayMs + 2);
    return m;
  }

  static ModelVersion trainModel(Path dir, FeatureView view) throws Exception {
    double[][] x = randomRows(5_000, view.features().size(), 1);
    boolean[] y = new boolean[x.length];
    String[] ids = new String[x.length];
    long[] times = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      ids[i] = "e" + i;
      times[i] = i;
      y[i] = !Double.isNaN(x[i][0]) && !Double.isNaN(x[i][1]) && x[i][0] > x[i][1];
    }
    LogisticModel model = new SgdTrainer(new Hyperparameters(0.1, 3, 64, 1e-4, 1, 1.0, 1)).fit(new Examples(ids, times, x, y));
    ModelSignature signature = ScoringTopology.signatureOf(view);
    Path file = dir.resolve("model.onnx");
    Files.write(file, OnnxExport.toBytes(model, signature, "fraud", 1));
    return new ModelVersion("fraud", 1, ModelStage.CHAMPION, file.toString(), Checksums.sha256(file), signature);
  }

  static double[][] randomRows(int n, int width, long seed) {
    Random random = new Random(seed);
    double[][] out = new double[n][width];
    for (double[] row : out) {
      for (int j = 0; j < width; j++) {
        row[j] = random.nextDouble() < 0.05 ? Double.NaN : Math.exp(random.nextGaussian() * 2);
      }
    }
    return out;
  }

  static Map<String, Double> round(Map<String, Double> values) {
    Map<String, Double> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, (double) Math.round(v)));
    return out;
  }

  private ScoringBenchmark() {}
}
