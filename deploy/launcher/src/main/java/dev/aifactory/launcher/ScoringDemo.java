package dev.aifactory.launcher;

import dev.aifactory.common.CommittedRows;
import dev.aifactory.common.JobConfig;
import dev.aifactory.cost.model.Labels;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.training.TrainingSetJob;
import dev.aifactory.features.training.TrainingSetRequest;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.scoring.ScoringJobMain;
import dev.aifactory.scoring.sink.PredictionTable;
import dev.aifactory.training.TrainingRun;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The demo's second half: a point-in-time training set from what ingest and features wrote, a
 * model trained, registered and promoted to champion (announced on the control topic), and the
 * scoring job replaying the silver topic through it, with scores/s and decisions at the end.
 */
final class ScoringDemo {

  private final LocalKafka kafka;
  private final Path dir;
  private final Catalog catalog;
  private final int uiPort;
  private final int parallelism;

  ScoringDemo(LocalKafka kafka, Path dir, Catalog catalog, int uiPort, int parallelism) {
    this.kafka = kafka;
    this.dir = dir;
    this.catalog = catalog;
    this.uiPort = uiPort;
    this.parallelism = parallelism;
  }

  int run(FeatureView view, long deadlineNanos) throws Exception {
    String warehouse = dir.resolve("warehouse").toString();
    JobConfig features = JobConfig.load("features-defaults.properties", "--iceberg.catalog.warehouse", warehouse,
        "--kafka.bootstrap.servers", kafka.bootstrapServers());
    System.out.println("building the point-in-time training set gold.training_demo...");
    TableIdentifier set = TrainingSetJob.run(features, new TrainingSetRequest(view, "demo",
        Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z"), false));

    kafka.createTopics(1, "models.control");
    kafka.createTopics(2, "scores");
    TrainingRun.Result trained = TrainingRun.run(JobConfig.load("training-defaults.properties",
        "--iceberg.catalog.warehouse", warehouse, "--kafka.bootstrap.servers", kafka.bootstrapServers(),
        "--training.set", set.toString(), "--models.dir", dir.resolve("models").toString(),
        "--training.promote", "champion", "--training.promote.min-auc-roc", "0.6"));
    Map<String, Object> metrics = trained.record().metrics();
    System.out.printf("trained %s: validation AUC-ROC %.3f, AUC-PR %.3f, precision at %.0f%% review %.3f (%s fraud in %s rows)%n",
        trained.model().label(), (Double) metrics.get("auc_roc"), (Double) metrics.get("auc_pr"),
        100 * (Double) metrics.get("review_rate"), (Double) metrics.get("precision_at_review_rate"), metrics.get("positives"),
        metrics.get("rows"));
    System.out.println("model card: " + trained.directory().resolve("model-card.md"));
    if (trained.changes().isEmpty()) {
      System.err.println("the model stayed CANDIDATE (below the AUC floor); not scoring");
      return 1;
    }

    JobConfig scoring = JobConfig.load("scoring-defaults.properties", "--iceberg.catalog.warehouse", warehouse,
        "--kafka.bootstrap.servers", kafka.bootstrapServers(), "--features.starting-offsets", "earliest",
        "--features.group-id", "factory-demo-scoring");
    Configuration flink = Configuration.fromMap(scoring.withPrefix("flink."));
    flink.set(RestOptions.PORT, uiPort);
    flink.setString("execution.checkpointing.interval", "2s");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
    env.setParallelism(parallelism);
    ScoringJobMain.define(env, scoring);
    long transactions = CommittedRows.of(catalog, IngestTables.silver("transactions"));
    long started = System.nanoTime();
    // This process's CPU, sampled while it scores, is what the cost step charges the model for.
    ProcessCpuSampler cpu = new ProcessCpuSampler(kafka.bootstrapServers(), "telemetry.usage", parallelism, 2_000,
        new Labels("risk", "online_inference", "factory-scoring-fraud", trained.model().label()));
    JobClient job = env.executeAsync("factory-demo: scoring " + trained.model().label());
    System.out.printf("scoring job %s replaying %,d transactions from the silver topic%n", job.getJobID(), transactions);
    long scored = -1;
    int unchanged = 0;
    double lastChangeSeconds = 0;
    while (true) {
      long now = CommittedRows.fromSummary(catalog, PredictionTable.PREDICTIONS);
      System.out.printf("\r  scored and audited %,d / %,d   ", now, transactions);
      if (now != scored) {
        lastChangeSeconds = (System.nanoTime() - started) / 1e9;
      }
      unchanged = now == scored ? unchanged + 1 : 0;
      scored = now;
      // The newest events wait for event time to pass them, as in production; the replay is
      // over when nothing new is committed for a while.
      if (now > 0 && unchanged >= 10) {
        break;
      }
      if (System.nanoTime() > deadlineNanos || job.getJobStatus().get().isTerminalState()) {
        cpu.close();
        System.out.println();
        System.err.println("the scoring job stopped or timed out; see .factory/factory.log");
        return 1;
      }
      Thread.sleep(500);
    }
    job.cancel().get();
    cpu.close();
    System.out.println();
    printSummary(transactions, lastChangeSeconds);
    new CostDemo(kafka, dir, catalog, parallelism).run();
    return 0;
  }

  private void printSummary(long transactions, double seconds) throws IOException {
    Map<String, Long> decisions = new TreeMap<>();
    Map<String, Long> models = new TreeMap<>();
    List<Long> latencies = new ArrayList<>();
    String provider = "";
    try (CloseableIterable<Record> rows = IcebergGenerics.read(catalog.loadTable(PredictionTable.PREDICTIONS))
        .select("decision", "model_name", "model_version", "latency_us", "provider").build()) {
      for (Record r : rows) {
        decisions.merge((String) r.getField("decision"), 1L, Long::sum);
        models.merge(r.getField("model_name") + ":" + r.getField("model_version"), 1L, Long::sum);
        latencies.add((Long) r.getField("latency_us"));
        provider = (String) r.getField("provider");
      }
    }
    latencies.sort(null);
    long scored = latencies.size();
    System.out.println("=== scoring ===");
    System.out.printf("scored               %,d of %,d transactions (the rest wait for event time to pass them)%n", scored, transactions);
    System.out.printf("scores/s             %,.0f over %.1f s (job start to the last commit, 2 s checkpoints)%n", scored / seconds, seconds);
    System.out.printf("decisions            %s%n", decisions);
    System.out.printf("models               %s on %s%n", models, provider);
    if (!latencies.isEmpty()) {
      System.out.printf("operator latency     p50 %.2f ms, p99 %.2f ms (arrival in the scoring operator to result)%n",
          latencies.get(latencies.size() / 2) / 1000.0, latencies.get((int) Math.min(latencies.size() - 1, latencies.size() * 0.99)) / 1000.0);
    }
    System.out.println("outputs              topic scores, table gold.predictions, usage on telemetry.usage");
  }
}
