package dev.aifactory.benchmarks;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.features.consistency.ServedConsistency;
import dev.aifactory.features.consistency.SilverEvents;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.launcher.cluster.FlinkRestClient;
import dev.aifactory.launcher.cluster.JobJars;
import dev.aifactory.launcher.cluster.LocalStack;
import dev.aifactory.launcher.live.LiveTraffic;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.registry.ModelRegistry;
import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.schemas.wire.PayloadDecoder;
import dev.aifactory.schemas.wire.SingleObjectFormat;
import dev.aifactory.scoring.ScoringTopology;
import dev.aifactory.scoring.sink.PredictionTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Real-time decisions on the local session cluster (deploy/local: JobManager, TaskManager and
 * broker as separate processes), the jobs submitted as their shaded jars:
 * <ol>
 *   <li><b>event → score</b> and <b>event → online vector</b>: live payments (event time = the
 *       moment they are sent) into {@code raw.transactions} at a fixed rate, through ingest
 *       (at-least-once silver, as it ships) and the scoring job; latency from the producer's send
 *       to the record's arrival at a consumer of {@code scores} (and of {@code features.card_id});</li>
 *   <li><b>throughput</b> of features plus scoring: the scoring job draining a preloaded silver
 *       topic, scores counted on the scores topic;</li>
 *   <li><b>consistency</b>: every vector served in the 2,000/s run against the offline recomputation;</li>
 *   <li><b>hot key</b>: {@link RealtimeCostBenchmark}.</li>
 * </ol>
 * Each of 1-2 runs again with the baseline's scoring jar (today's watermark-join path), built
 * from an older checkout: {@code --baseline-repository DIR} (see the README). Options:
 * {@code --seconds}, {@code --rates}, {@code --drain-events}, {@code --hot-events}.
 */
public final class RealtimeBenchmark {

  private static final String BASELINE_VIEW_VERSION = "version: 1";
  private static final String RAW = "raw.transactions";

  private RealtimeBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = BenchmarkReport.args(args);
    Path repository = Path.of("..").toAbsolutePath().normalize();
    if (options.containsKey("replot")) {
      replot(repository.resolve("benchmarks/results"));
      return;
    }
    String baselineOption = options.get("baseline-repository");
    if (baselineOption == null) {
      throw new IllegalArgumentException("--baseline-repository DIR: a checkout of the baseline, built (mvn package -DskipTests)");
    }
    // Relative to the repository's root, as the README's commands are (Maven runs this from benchmarks/).
    Path baseline = repository.resolve(baselineOption).normalize();
    int seconds = Integer.parseInt(options.getOrDefault("seconds", "40"));
    List<Integer> rates = java.util.Arrays.stream(options.getOrDefault("rates", "2000,10000").split(","))
        .map(Integer::parseInt).toList();
    int drainEvents = Integer.parseInt(options.getOrDefault("drain-events", "200000"));
    Path dir = repository.resolve("benchmarks/target/realtime-bench");
    org.apache.commons.io.FileUtils.deleteDirectory(dir.toFile());
    Files.createDirectories(dir);

    FeatureView view = FeatureViews.load("card_activity");
    String yaml = new String(FeatureViews.class.getResourceAsStream("/features/card_activity.yaml").readAllBytes(),
        StandardCharsets.UTF_8);
    FeatureView baselineView = FeatureViews.parse(yaml.replace("version: " + view.version(), BASELINE_VIEW_VERSION));
    Map<String, Object> json = new LinkedHashMap<>();
    Map<String, Object> realtime = new LinkedHashMap<>();
    Map<String, Object> old = new LinkedHashMap<>();
    try (LocalStack stack = new LocalStack(repository, dir, 1, 4, "5 s").withoutStackTopics()) {
      stack.startWithoutGateway();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(RAW, 1, (short) 1), new NewTopic("raw.labels", 1, (short) 1))).all().get();
      }
      FlinkRestClient flink = stack.flink();
      String ingestJar = flink.uploadJar(JobJars.of("ingest", repository, null).jar());
      Paths current = new Paths("realtime", ingestJar, JobJars.of("scoring", repository, null), view, true);
      Paths before = new Paths("baseline", ingestJar, JobJars.of("scoring", baseline, null), baselineView, false);
      for (Paths path : List.of(current, before)) {
        path.scoringJarId = flink.uploadJar(path.scoring.jar());
      }
      Map<String, Object> scoreLatency = new LinkedHashMap<>();
      Map<String, Object> onlineLatency = new LinkedHashMap<>();
      Map<String, Object> silverLatency = new LinkedHashMap<>();
      Map<String, Object> baseScore = new LinkedHashMap<>();
      for (int rate : rates) {
        for (Paths path : List.of(current, before)) {
          Map<String, Object> run = latencyRun(stack, path, dir, rate, seconds);
          (path.realtime ? scoreLatency : baseScore).put(String.valueOf(rate), run.get("event_to_score_ms"));
          if (path.realtime) {
            onlineLatency.put(String.valueOf(rate), run.get("event_to_online_ms"));
            silverLatency.put(String.valueOf(rate), run.get("event_to_silver_ms"));
            if (rate == rates.get(0)) {
              realtime.put("consistency", run.get("consistency"));
            }
          }
          restartTaskManager(stack);
        }
      }
      realtime.put("event_to_score_ms", scoreLatency);
      realtime.put("event_to_online_ms", onlineLatency);
      realtime.put("event_to_silver_ms", silverLatency);
      old.put("event_to_score_ms", baseScore);
      old.put("event_to_online_ms", "none: the baseline's online topic is written when a one-minute slice closes and the watermark passes it");
      for (Paths path : List.of(current, before)) {
        double eps = drain(stack, path, dir, drainEvents);
        (path.realtime ? realtime : old).put("events_per_second", eps);
        restartTaskManager(stack);
      }
    }
    Map<String, Object> cost = RealtimeCostBenchmark.measure(Integer.parseInt(options.getOrDefault("hot-events", "200000")), 3);

    json.put("benchmark", "realtime");
    json.put("event_to_score_ms", realtime.get("event_to_score_ms"));
    json.put("event_to_online_ms", realtime.get("event_to_online_ms"));
    // The first hop alone (raw topic, ingest, silver topic), the same for both paths: what the
    // scoring job adds is the rest of event_to_score_ms.
    json.put("event_to_silver_ms", realtime.get("event_to_silver_ms"));
    json.put("events_per_second", realtime.get("events_per_second"));
    json.put("hot_key_cost_ratio", cost.get("hot_key_cost_ratio"));
    @SuppressWarnings("unchecked")
    Map<String, Object> consistency = (Map<String, Object>) realtime.get("consistency");
    json.put("consistency_mismatches_in_order", consistency.get("mismatched_events"));
    json.put("consistency", consistency);
    json.put("hot_key", cost);
    json.put("baseline", old);
    json.put("machine", BenchmarkReport.machine());
    json.put("parameters", Map.of(
        "cluster", "deploy/local: 1 JobManager, 1 TaskManager x 4 slots, Kafka broker, all on this machine; RocksDB, checkpoints every 5 s",
        "jobs", "ingest (p=1, at-least-once silver) and scoring (p=1, micro-batches of up to 256 or 5 ms), shaded jars",
        "latency", "producer send of a raw payment (event time = send time) to its arrival at a consumer of the scores"
            + " (online, silver) topic; " + seconds + " s per rate after a 15 s warm-up at 1,000/s; p50/p99/max over the payments"
            + " scored, with how many were",
        "throughput", "scoring job draining " + drainEvents + " payments of 2,000 cards preloaded on its silver topic; scores per second on the scores topic, from the moment the first quarter is scored (a fresh TaskManager compiles its code meanwhile) to the last",
        "baseline", "the scoring jar of " + baseline.getFileName() + ": features in the job, joined with each payment"
            + " at event time once the watermark passes it"));

    Path results = repository.resolve("benchmarks/results");
    BenchmarkReport.save(results, "realtime", json, plotTitle(old, rates), bars(json, old, rates), true);
    System.out.println(json);
    System.exit(0);
  }

  /**
   * p50 and p99 per rate; a path that scored nothing has no bar (a log scale has no place for
   * it), and the title says so.
   */
  static Map<String, Double> bars(Map<String, Object> json, Map<String, Object> old, List<Integer> rates) {
    Map<String, Double> bars = new LinkedHashMap<>();
    for (int rate : rates) {
      for (var path : List.of(Map.entry("realtime", json), Map.entry("baseline", old))) {
        Map<String, Object> latency = scoreLatencyOf(path.getValue(), rate);
        for (String q : List.of("p50", "p99")) {
          if (latency != null && latency.get(q) instanceof Number n) {
            bars.put(path.getKey() + " " + q + " at " + rate + "/s", n.doubleValue());
          }
        }
      }
    }
    return bars;
  }

  static String plotTitle(Map<String, Object> old, List<Integer> rates) {
    boolean baselineSilent = rates.stream().map(r -> scoreLatencyOf(old, r))
        .allMatch(l -> l == null || Integer.valueOf(0).equals(l.get("answered")));
    return "event to score, ms, log scale" + (baselineSilent ? " (baseline: no payment scored)" : "");
  }

  /** Draws realtime.png again from realtime.json (after a change to the plot alone). */
  @SuppressWarnings("unchecked")
  static void replot(Path results) throws java.io.IOException {
    Map<String, Object> json = new com.fasterxml.jackson.databind.ObjectMapper()
        .readValue(results.resolve("realtime.json").toFile(), Map.class);
    Map<String, Object> old = (Map<String, Object>) json.get("baseline");
    List<Integer> rates = ((Map<String, Object>) json.get("event_to_score_ms")).keySet().stream().map(Integer::parseInt).toList();
    BenchmarkReport.plotLog(results.resolve("realtime.png"), plotTitle(old, rates), bars(json, old, rates));
  }

  /** One path's jars and how its scoring job is configured. */
  static final class Paths {
    final String name;
    final String ingestJarId;
    final JobJars.JobJar scoring;
    final FeatureView view;
    final boolean realtime;
    String scoringJarId;

    Paths(String name, String ingestJarId, JobJars.JobJar scoring, FeatureView view, boolean realtime) {
      this.name = name;
      this.ingestJarId = ingestJarId;
      this.scoring = scoring;
      this.view = view;
      this.realtime = realtime;
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> scoreLatencyOf(Map<String, Object> json, int rate) {
    return (Map<String, Object>) ((Map<String, Object>) json.get("event_to_score_ms")).get(String.valueOf(rate));
  }

  /** Live payments at {@code rate} for {@code seconds} through ingest and scoring: latencies from send to score and online row. */
  static Map<String, Object> latencyRun(LocalStack stack, Paths path, Path dir, int rate, int seconds) throws Exception {
    int sentCount;
    String run = path.name + "-" + rate;
    Path warehouse = dir.resolve("warehouse-" + run);
    String raw = RAW;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      // One partition each: a card's payments keep their order end to end, so the served
      // vectors of the consistency check are those of an in-order stream.
      admin.createTopics(List.of(new NewTopic("silver-" + run + ".transactions", 1, (short) 1),
          new NewTopic("scores-" + run, 1, (short) 1), new NewTopic("control-" + run, 1, (short) 1))).all().get();
    }
    registerChampion(warehouse, path.view, dir.resolve("model-" + run));
    FlinkRestClient flink = stack.flink();
    String ingest = flink.run(path.ingestJarId, "dev.aifactory.ingest.IngestJobMain", 1, List.of(
        "--kafka.bootstrap.servers", stack.bootstrapServers(),
        "--iceberg.catalog.warehouse", warehouse.toString(),
        "--governance.tokens.keyring", stack.tokenKeyring().toString(),
        "--ingest.group-id", "ingest-" + run,
        // The raw topic is shared by the runs: each ingest starts at its end.
        "--ingest.starting-offsets", "latest",
        "--ingest.silver.topic-prefix", "silver-" + run + ".",
        "--ingest.quarantine.topic", "quarantine-" + run,
        "--flink.execution.checkpointing.interval", "5s"), null, false);
    String scoring = flink.run(path.scoringJarId, path.scoring.entryClass(), 1, scoringOptions(stack, run, warehouse), null, false);
    await(() -> flink.allTasksRunning(ingest) && flink.allTasksRunning(scoring), Duration.ofMinutes(3), "jobs running");
    Thread.sleep(5_000);

    // Warm-up: a fresh TaskManager runs its first seconds far below its speed (JIT, RocksDB,
    // the first Iceberg files), and what queues then would be measured as latency for the
    // rest of the run. 15 s of payments at 1,000/s, then until they are scored.
    var tokens = new dev.aifactory.schemas.tokens.Tokenizer(dev.aifactory.schemas.tokens.Keyring.load(stack.tokenKeyring()));
    try (LiveTraffic warmUp = new LiveTraffic(stack.bootstrapServers(), "scores-" + run, null, path.view, 5, tokens)) {
      warmUp.awaitReady();
      Random cards = new Random(4);
      warmUp.send(RAW, 1_000, 15, () -> cards.nextInt(1_000_000));
      warmUp.awaitScores(Duration.ofSeconds(15));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    try (LiveTraffic live = new LiveTraffic(stack.bootstrapServers(), "scores-" + run,
        path.realtime ? "features-" + run + ".card_id" : null, path.view, 17, tokens)
        .timingSilver("silver-" + run + ".transactions")) {
      live.awaitReady();
      Random cards = new Random(3);
      live.send(RAW, rate, seconds, () -> cards.nextInt(1_000_000));
      // Every payment scored, or nothing new for 20 s (the baseline's last payments wait for event time).
      live.awaitScores(Duration.ofSeconds(20));
      Thread.sleep(2_000);
      out.put("event_to_score_ms", withRate(live.eventToScore(), rate));
      if (path.realtime) {
        out.put("event_to_online_ms", withRate(live.eventToOnline(), rate));
        out.put("event_to_silver_ms", withRate(live.eventToSilver(), rate));
      }
      sentCount = live.sent();
    }
    if (path.realtime) {
      int sent = sentCount;
      // Checkpoints commit silver and gold.predictions to Iceberg: wait for both to hold the run.
      await(() -> committed(warehouse, TableIdentifier.of("silver", "transactions")) >= sent
          && committed(warehouse, PredictionTable.PREDICTIONS) >= sent, Duration.ofMinutes(2), "Iceberg commits");
      var catalog = IcebergCatalogs.local(warehouse).loadCatalog();
      var vectors = PredictionTable.served(catalog.loadTable(PredictionTable.PREDICTIONS), path.view);
      var result = ServedConsistency.check(path.view, vectors,
          SilverEvents.read(path.view, catalog.loadTable(TableIdentifier.of("silver", "transactions")), null));
      System.out.println(result.format());
      Map<String, Object> consistency = new LinkedHashMap<>();
      consistency.put("compared", result.compared());
      consistency.put("mismatched_events", result.mismatchedEvents());
      consistency.put("missing", result.missing());
      consistency.put("extra", result.extra());
      consistency.put("smape", result.smape());
      out.put("consistency", consistency);
    }
    flink.cancel(ingest);
    flink.cancel(scoring);
    flink.awaitState(ingest, Duration.ofMinutes(2), "CANCELED");
    flink.awaitState(scoring, Duration.ofMinutes(2), "CANCELED");
    System.out.printf("%s at %d/s: %s%n", path.name, rate, out.get("event_to_score_ms"));
    return out;
  }

  static List<String> scoringOptions(LocalStack stack, String run, Path warehouse) {
    return List.of("--kafka.bootstrap.servers", stack.bootstrapServers(),
        "--iceberg.catalog.warehouse", warehouse.toString(),
        "--features.silver.topic-prefix", "silver-" + run + ".",
        "--features.group-id", "scoring-" + run,
        "--features.starting-offsets", "earliest",
        "--features.online.topic-prefix", "features-" + run + ".",
        "--features.online.partitions", "1",
        "--models.control.topic", "control-" + run,
        "--scoring.scores.topic", "scores-" + run,
        "--scoring.usage.topic", "usage-" + run,
        "--flink.execution.checkpointing.interval", "5s");
  }





  private static final SchemaCatalog CATALOG = SchemaCatalog.bundled();
  private static final PayloadDecoder DECODER = new PayloadDecoder(new SingleObjectFormat(CATALOG),
      CATALOG.contract(PaymentsGenerator.TRANSACTION).schema());

  /** A latency distribution with the input rate that produced it. */
  static Map<String, Object> withRate(Map<String, Object> distribution, int rate) {
    Map<String, Object> out = new LinkedHashMap<>(distribution);
    out.put("input_per_second", rate);
    return out;
  }

  /** Features plus scoring: the scoring job drains {@code events} payments preloaded on its silver topic; scores per second. */
  static double drain(LocalStack stack, Paths path, Path dir, int events) throws Exception {
    String run = path.name + "-drain";
    Path warehouse = dir.resolve("warehouse-" + run);
    String silver = "silver-" + run + ".transactions";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(silver, 1, (short) 1), new NewTopic("scores-" + run, 1, (short) 1),
          new NewTopic("control-" + run, 1, (short) 1))).all().get();
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", stack.bootstrapServers());
    p.put("linger.ms", "20");
    PaymentsGenerator generator = new PaymentsGenerator(GeneratorSettings.defaults().withSeed(23), silver, null);
    int n = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      while (n < events) {
        GeneratedMessage m = generator.next();
        if (m.kind() == GeneratedMessage.Kind.TRANSACTION) {
          byte[] contract = AvroWire.singleObject(DECODER.decodeAsContract(m.value()).record());
          producer.send(new ProducerRecord<>(silver, null, m.timestamp(), m.key(), contract));
          n++;
        }
      }
    }
    registerChampion(warehouse, path.view, dir.resolve("model-" + run));
    FlinkRestClient flink = stack.flink();
    String job = flink.run(path.scoringJarId, path.scoring.entryClass(), 1, scoringOptions(stack, run, warehouse), null, false);
    // Timed from the moment a quarter is scored: the JIT compiler of a fresh TaskManager takes
    // about half a core for its first minute or two, which is not what a running job sustains.
    long warmedUp = events / 4;
    long warmedAt = 0;
    long scoredAtWarm = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    double rate = Double.NaN;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      while (System.nanoTime() < deadline) {
        Thread.sleep(250);
        String state = flink.state(job);
        if (!"RUNNING".equals(state) && !"CREATED".equals(state) && !"INITIALIZING".equals(state)) {
          System.out.printf("%s drain: the job is %s before scoring everything%n", path.name, state);
          return Double.NaN; // reported as such; the cluster's log has why
        }
        long scored = endOffset(admin, "scores-" + run);
        if (scored >= warmedUp && warmedAt == 0) {
          warmedAt = System.nanoTime();
          scoredAtWarm = scored;
        }
        // The baseline scores a payment only once the watermark passes it: its last 30 s wait.
        if (scored >= events * (path.realtime ? 1.0 : 0.99)) {
          rate = (scored - scoredAtWarm) / ((System.nanoTime() - warmedAt) / 1e9);
          break;
        }
      }
    }
    flink.cancel(job);
    flink.awaitState(job, Duration.ofMinutes(2), "CANCELED");
    System.out.printf("%s drain: %.0f events/s%n", path.name, rate);
    return Math.round(rate);
  }

  static long endOffset(Admin admin, String topic) throws Exception {
    var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
    return admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get().get(tp).offset();
  }

  /** A model of the view's signature, registered and promoted to champion in the run's own warehouse. */
  static void registerChampion(Path warehouse, FeatureView view, Path dir) throws Exception {
    ModelVersion trained = ScoringBenchmark.trainModel(Files.createDirectories(dir), view);
    ModelRegistry registry = ModelRegistry.open(IcebergCatalogs.local(warehouse).loadCatalog());
    registry.register(new ModelVersion("fraud", 1, ModelStage.CANDIDATE, trained.uri(), trained.sha256(),
        ScoringTopology.signatureOf(view)), "{}",
        new dev.aifactory.models.registry.DataUse("fraud_detection", dev.aifactory.features.definition.ViewClassification.classesByField(view)));
    registry.promote("fraud", 1, ModelStage.CHAMPION);
  }

  static long committed(Path warehouse, TableIdentifier table) {
    try {
      var t = IcebergCatalogs.local(warehouse).loadCatalog().loadTable(table);
      return t.currentSnapshot() == null ? 0
          : Long.parseLong(t.currentSnapshot().summary().getOrDefault("total-records", "0"));
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** A fresh TaskManager between runs: each job's jar loads its classes again, and metaspace is finite. */
  static void restartTaskManager(LocalStack stack) throws Exception {
    stack.killTaskManager(1);
    stack.startTaskManager();
    Thread.sleep(5_000);
  }

  interface Check {
    boolean holds() throws Exception;
  }

  static void await(Check check, Duration timeout, String what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      Thread.sleep(250);
    }
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
