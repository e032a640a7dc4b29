package dev.aifactory.launcher;

import dev.aifactory.common.CommittedRows;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.cost.model.Labels;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.training.TrainingSetJob;
import dev.aifactory.features.training.TrainingSetRequest;
import dev.aifactory.ingest.IngestJobMain;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.launcher.lineage.LineageEvents;
import dev.aifactory.launcher.lineage.LineageGraph;
import dev.aifactory.launcher.live.LiveTraffic;
import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.schemas.tokens.Keyring;
import dev.aifactory.schemas.tokens.Tokenizer;
import dev.aifactory.scoring.ScoringJobMain;
import dev.aifactory.scoring.sink.PredictionTable;
import dev.aifactory.training.TrainingRun;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * model trained, registered and promoted to champion (announced on the control topic), the
 * scoring job replaying the silver topic through it (scores/s and decisions), then live payments
 * through ingest and scoring, timed from send to score and to online row.
 */
final class ScoringDemo {

  private final LocalKafka kafka;
  private final Path dir;
  private final Catalog catalog;
  private final int uiPort;
  private final int parallelism;
  /** The live burst's card (its token) and its newest tx_count_10m on the online topic, for the serving step. */
  private String burstCard;
  private Object burstCount;

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
        "--lineage.transport.location", DemoCommand.lineageEvents(dir),
        "--kafka.bootstrap.servers", kafka.bootstrapServers());
    System.out.println("building the point-in-time training set gold.training_demo...");
    TableIdentifier set = TrainingSetJob.run(features, new TrainingSetRequest(view, "demo",
        Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z"), false));

    kafka.createTopics(1, "models.control");
    kafka.createTopics(2, "scores");
    TrainingRun.Result trained = TrainingRun.run(JobConfig.load("training-defaults.properties",
        "--iceberg.catalog.warehouse", warehouse, "--kafka.bootstrap.servers", kafka.bootstrapServers(),
        "--lineage.transport.location", DemoCommand.lineageEvents(dir), "--training.set", set.toString(), "--models.dir", dir.resolve("models").toString(),
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
        "--lineage.transport.location", DemoCommand.lineageEvents(dir),
        "--kafka.bootstrap.servers", kafka.bootstrapServers(), "--features.starting-offsets", "earliest",
        "--features.group-id", "factory-demo-scoring");
    Configuration flink = Configuration.fromMap(scoring.withPrefix("flink."));
    flink.set(RestOptions.PORT, uiPort);
    flink.setString("execution.checkpointing.interval", "2s");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
    env.setParallelism(parallelism);
    // The scoring job now owns the view's feature state: it replays the silver topic to build it
    // (scoring the replayed payments too), then scores live payments as ingest delivers them.
    ScoringJobMain.define(env, scoring);
    IngestJobMain.define(env, JobConfig.load("ingest-defaults.properties", "--kafka.bootstrap.servers", kafka.bootstrapServers(),
        "--iceberg.catalog.warehouse", warehouse, "--ingest.dq.window", "10s",
        "--lineage.transport.location", DemoCommand.lineageEvents(dir),
        "--" + LocalKeyring.OPTION, LocalKeyring.ensure(LocalKeyring.DEFAULT).toString()));
    long transactions = CommittedRows.of(catalog, IngestTables.silver("transactions"));
    long started = System.nanoTime();
    // This process's CPU, sampled while it scores, is what the cost step charges the model for.
    ProcessCpuSampler cpu = new ProcessCpuSampler(kafka.bootstrapServers(), "telemetry.usage", parallelism, 2_000,
        new Labels("risk", "online_inference", "factory-scoring-fraud", trained.model().label()));
    JobClient job = env.executeAsync("factory-demo: ingest + scoring " + trained.model().label());
    System.out.printf("scoring job %s replaying %,d transactions from the silver topic%n", job.getJobID(), transactions);
    long scored = 0;
    double seconds = 0;
    // Replayed payments too late to keep (the generator sends some an hour behind) go to
    // gold.scoring_unscored with the reason instead of a score.
    while (scored + CommittedRows.fromSummary(catalog, PredictionTable.UNSCORED) < transactions) {
      scored = CommittedRows.fromSummary(catalog, PredictionTable.PREDICTIONS);
      seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("\r  scored and audited %,d / %,d   ", scored, transactions);
      if (System.nanoTime() > deadlineNanos || job.getJobStatus().get().isTerminalState()) {
        cpu.close();
        System.out.println();
        System.err.println("the scoring job stopped or timed out; see .factory/factory.log");
        return 1;
      }
      Thread.sleep(500);
    }
    System.out.println();
    printSummary(transactions, seconds);
    boolean traced = printLineage(trained.model());
    boolean live = live(view) && new ServingDemo(kafka.bootstrapServers(), dir, catalog).run(view, burstCard, burstCount);
    job.cancel().get();
    cpu.close();
    if (!live || !traced) {
      return 1;
    }
    new CostDemo(kafka, dir, catalog, parallelism).run();
    return 0;
  }

  /**
   * Live payments, stamped with the moment they are sent, through ingest and scoring: the time to
   * each one's score and to its row on the online topic, and a burst on one card seen in its
   * features payment by payment. False (and the demo fails) if a payment went unscored or the
   * burst did not count each payment.
   */
  private boolean live(FeatureView view) throws Exception {
    int cards = GeneratorSettings.defaults().cards();
    String onlineTopic = "features." + view.entity();
    // The first live payments move event time from the replayed January to now: every timer of
    // the replayed history (decay, TTL, cleanup) fires at once. Let that pass before timing.
    Tokenizer tokens = new Tokenizer(Keyring.load(LocalKeyring.ensure(LocalKeyring.DEFAULT)));
    try (LiveTraffic warmUp = new LiveTraffic(kafka.bootstrapServers(), "scores", null, view, 4141, tokens)) {
      warmUp.awaitReady();
      Random random = new Random(5);
      warmUp.send("raw.transactions", 100, 2, () -> 1 + random.nextInt(cards - 1));
      warmUp.awaitScores(Duration.ofSeconds(30));
    }
    try (LiveTraffic traffic = new LiveTraffic(kafka.bootstrapServers(), "scores", onlineTopic, view, 4242, tokens)) {
      traffic.awaitReady();
      System.out.println("sending live payments: 1,000 at 200/s on random cards, then a burst of 20 on one card in 4 s...");
      Random random = new Random(7);
      traffic.send("raw.transactions", 200, 5, () -> 1 + random.nextInt(cards - 1));
      String burstCard = traffic.send("raw.transactions", 5, 4, () -> 0).get(0);
      boolean allScored = traffic.awaitScores(Duration.ofSeconds(15));
      Thread.sleep(1_000);
      Map<String, Object> score = traffic.eventToScore();
      Map<String, Object> online = traffic.eventToOnline();
      List<Object> counts = traffic.onlineValues(burstCard, "tx_count_10m");
      boolean burstCounted = counts.equals(java.util.stream.LongStream.rangeClosed(1, 20).boxed().map(Object.class::cast).toList());
      System.out.println("=== live ===");
      System.out.printf("event -> score       p50 %s ms, p99 %s ms, max %s ms (%s of %s scored; from the producer's send through"
          + " ingest and scoring to a consumer of the scores topic)%n", score.get("p50"), score.get("p99"), score.get("max"),
          score.get("answered"), score.get("sent"));
      System.out.printf("event -> online      p50 %s ms, p99 %s ms, max %s ms (the payment's own row on %s)%n",
          online.get("p50"), online.get("p99"), online.get("max"), onlineTopic);
      System.out.printf("burst on card %s (its token; silver and the online store never see the card number)  tx_count_10m %s%n",
          burstCard, counts);
      System.out.printf("check: every live payment scored      %s%n", allScored ? "OK" : "MISSING");
      System.out.printf("check: the burst counts each payment  %s%n", burstCounted ? "OK" : "MISMATCH");
      this.burstCard = burstCard;
      this.burstCount = counts.isEmpty() ? null : counts.get(counts.size() - 1);
      return allScored && burstCounted;
    }
  }

  /**
   * The champion's lineage, from the OpenLineage events the demo's runs wrote: false (and the
   * demo fails) unless it reaches back through the training set and the features to ingest.
   */
  private boolean printLineage(ModelVersion model) {
    Path events = Path.of(DemoCommand.lineageEvents(dir));
    LineageGraph graph = new LineageGraph(catalog, TablesCommand.VIEWS.stream().map(FeatureViews::load).toList(), LineageEvents.read(events));
    List<LineageEvents.Run> runs = graph.model(model.name(), model.version()).map(LineageGraph.ModelLineage::runs).orElse(List.of());
    System.out.printf("lineage              %s <- %s%n", model.label(),
        runs.stream().map(LineageEvents.Run::job).collect(java.util.stream.Collectors.joining(" <- ")));
    System.out.printf("                     (./factory lineage model %s --warehouse %s --events %s)%n", model.label(),
        dir.resolve("warehouse"), events);
    boolean reaches = java.util.stream.Stream.of("factory-train ", "factory-training-set ", "factory-features-", "factory-ingest")
        .allMatch(job -> runs.stream().anyMatch(r -> r.job().startsWith(job)));
    System.out.printf("check: the model's lineage reaches ingest  %s%n", reaches ? "OK" : "MISSING");
    return reaches;
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
    System.out.printf("scored               %,d of %,d transactions, each as it was read; %,d unscored (too late to"
        + " keep, or unreadable: gold.scoring_unscored)%n", scored, transactions,
        CommittedRows.fromSummary(catalog, PredictionTable.UNSCORED));
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
