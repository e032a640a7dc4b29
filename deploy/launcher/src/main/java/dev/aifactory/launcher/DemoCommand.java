package dev.aifactory.launcher;

import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.common.CommittedRows;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.features.FeaturesJobMain;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.sink.FeatureTables;
import dev.aifactory.ingest.IngestJobMain;
import dev.aifactory.localstack.LocalKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The factory on one machine: an in-process Kafka broker, generated payments with drift and bad
 * records, the ingest and features jobs on a local Flink with its web UI, and an Iceberg
 * warehouse in a local folder; then a model trained from a point-in-time training set and the
 * scoring job replaying the stream through it. A live progress line while it runs and a summary
 * at the end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the factory on embedded defaults: Kafka, generator, ingest and features jobs, Iceberg warehouse, "
        + "then train a model and score the stream.")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--events", defaultValue = "20000", description = "Messages to generate (default: ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--seed", defaultValue = "42")
  long seed;

  @Option(names = "--dir", defaultValue = ".factory/demo", description = "Working folder, emptied first (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--ui-port", defaultValue = "8081", description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
  int uiPort;

  @Option(names = "--parallelism", defaultValue = "2")
  int parallelism;

  @Option(names = "--timeout-minutes", defaultValue = "15", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
  int timeoutMinutes;

  @Option(names = "--skip-scoring", description = "Stop after ingest and features: no training set, model or scoring job.")
  boolean skipScoring;

  @Override
  public Integer call() throws Exception {
    deleteRecursively(dir);
    Path warehouse = Files.createDirectories(dir.resolve("warehouse"));
    System.out.println("starting an in-process Kafka broker (KRaft)...");
    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(2, "raw.transactions", "raw.labels", "silver.transactions", "silver.labels", "ingest.quarantine",
          "telemetry.usage");
      System.out.printf("kafka at %s; generating %d messages (seed %d)...%n", kafka.bootstrapServers(), events, seed);
      Map<GeneratedMessage.Kind, Long> sent = GenerateCommand.send(kafka.bootstrapServers(),
          GeneratorSettings.defaults().withSeed(seed), false, events, 0, "raw.transactions", "raw.labels");
      System.out.println("generated: " + sent);

      JobConfig config = JobConfig.load("ingest-defaults.properties",
          "--kafka.bootstrap.servers", kafka.bootstrapServers(),
          "--iceberg.catalog.warehouse", warehouse.toString(),
          "--lineage.transport.location", lineageEvents(dir),
          "--ingest.usage.topic", "telemetry.usage",
          "--" + LocalKeyring.OPTION, LocalKeyring.ensure(LocalKeyring.DEFAULT).toString(),
          // Short windows: metering is wall-clock, and the demo's ingest runs well under a minute.
          "--ingest.dq.window", "10s");
      Configuration flink = Configuration.fromMap(config.withPrefix("flink."));
      flink.set(RestOptions.PORT, uiPort);
      flink.setString("execution.checkpointing.interval", "2s");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
      env.setParallelism(parallelism);
      IngestJobMain.define(env, config);
      // The features job reads what ingest writes to the silver topic, in the same local Flink.
      FeatureView view = FeatureViews.load("card_activity");
      JobConfig features = JobConfig.load("features-defaults.properties",
          "--kafka.bootstrap.servers", kafka.bootstrapServers(),
          "--iceberg.catalog.warehouse", warehouse.toString(),
          "--lineage.transport.location", lineageEvents(dir),
          "--features.online.partitions", "2");
      FeaturesJobMain.define(env, features, view);

      // The job streams, as in production; the demo stops it once everything sent is committed.
      long undecodable = sent.getOrDefault(GeneratedMessage.Kind.UNDECODABLE, 0L);
      long expectedBronze = events - undecodable;
      long expectedQuarantine = undecodable + sent.getOrDefault(GeneratedMessage.Kind.RULE_VIOLATION, 0L);
      long started = System.nanoTime();
      // This process's CPU while it ingests is what the cost step charges ingestion for.
      ProcessCpuSampler cpu = new ProcessCpuSampler(kafka.bootstrapServers(), "telemetry.usage", parallelism, 2_000,
          new dev.aifactory.cost.model.Labels("data", "ingestion", "factory-ingest", null));
      JobClient job = env.executeAsync("factory-demo: ingest + features " + view.id());
      System.out.printf("ingest job %s running; Flink web UI at http://localhost:%d%n", job.getJobID(), uiPort);
      Catalog catalog = IcebergCatalogs.local(warehouse).loadCatalog();
      long deadline = started + TimeUnit.MINUTES.toNanos(timeoutMinutes);
      FlinkRestMetrics metrics = new FlinkRestMetrics(uiPort);
      long featureRows = -1;
      int unchanged = 0;
      double ingestSeconds = 0;
      while (true) {
        long bronze = committed(catalog, IngestTables.bronze("transactions")) + committed(catalog, IngestTables.bronze("labels"));
        long silver = committed(catalog, IngestTables.silver("transactions")) + committed(catalog, IngestTables.silver("labels"));
        long quarantine = committed(catalog, IngestTables.QUARANTINE);
        long rows = CommittedRows.fromSummary(catalog, FeatureTables.history(view));
        Map<String, Double> freshness = metrics.max(job.getJobID().toString(), "per-event features",
            List.of("freshnessMs_median", "freshnessMs_p99"));
        System.out.printf("\r  committed: bronze %,d / %,d | silver %,d | quarantine %,d / %,d | feature rows %,d | freshness p50 %s p99 %s   ",
            bronze, expectedBronze, silver, quarantine, expectedQuarantine, rows, age(freshness.get("freshnessMs_median")),
            age(freshness.get("freshnessMs_p99")));
        boolean ingested = bronze >= expectedBronze && quarantine >= expectedQuarantine;
        if (ingested && ingestSeconds == 0) {
          ingestSeconds = (System.nanoTime() - started) / 1e9;
        }
        // Feature rows keep coming while ingest delivers and windows decay; the stream has ended
        // when ten polls in a row saw no new committed row.
        unchanged = rows == featureRows ? unchanged + 1 : 0;
        featureRows = rows;
        if (ingested && rows > 0 && unchanged >= 10) {
          lastFreshness = freshness;
          break;
        }
        if (System.nanoTime() > deadline || job.getJobStatus().get().isTerminalState()) {
          cpu.close();
          System.out.println();
          System.err.println("the job stopped or timed out before committing everything; see .factory/factory.log");
          return 1;
        }
        Thread.sleep(500);
      }
      job.cancel().get();
      cpu.close();
      System.out.println();
      if (!printSummary(catalog, events, ingestSeconds)) {
        return 1; // the check printed MISMATCH: the demo fails, as its checks must
      }
      printFeatures(catalog, view, lastFreshness);
      if (!skipScoring) {
        return new ScoringDemo(kafka, dir, catalog, uiPort, parallelism).run(view, deadline);
      }
    }
    return 0;
  }

  private Map<String, Double> lastFreshness = Map.of();

  /** The demo's OpenLineage events: in its own folder, emptied with it, as its warehouse is. */
  static String lineageEvents(Path dir) {
    return dir.resolve("lineage.jsonl").toString();
  }

  /** A freshness in the largest unit that fits: the demo replays old data, so days are common. */
  private static String age(Double millis) {
    if (millis == null) {
      return "-";
    }
    double s = millis / 1000;
    return s < 120 ? String.format("%.1fs", s) : s < 7200 ? String.format("%.1fmin", s / 60)
        : s < 172_800 ? String.format("%.1fh", s / 3600) : String.format("%.1fd", s / 86_400);
  }

  private static void printFeatures(Catalog catalog, FeatureView view, Map<String, Double> freshness) throws IOException {
    long rows = 0;
    long tombstones = 0;
    java.util.Set<String> entities = new java.util.HashSet<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(catalog.loadTable(FeatureTables.history(view)))
        .select("entity", "tombstone").build()) {
      for (Record r : it) {
        rows++;
        tombstones += Boolean.TRUE.equals(r.getField("tombstone")) ? 1 : 0;
        entities.add((String) r.getField("entity"));
      }
    }
    System.out.printf("features (%s)  %,d history rows for %,d cards (%,d tombstones); online topic features.%s%n",
        view.id(), rows, entities.size(), tombstones, view.entity());
    System.out.printf("feature freshness    p50 %s, p99 %s (event time to the event's own row: the replayed payments"
        + " are from January 2026, so this is their age; the live payments below are timed from their send)%n",
        age(freshness.get("freshnessMs_median")), age(freshness.get("freshnessMs_p99")));
  }

  private static long committed(Catalog catalog, TableIdentifier id) {
    return CommittedRows.of(catalog, id);
  }

  /** Prints the ingest summary; false if its check (every record in bronze or undecodable) does not hold. */
  private static boolean printSummary(Catalog catalog, int recordsIn, double seconds) throws IOException {
    long bronze = committed(catalog, IngestTables.bronze("transactions")) + committed(catalog, IngestTables.bronze("labels"));
    long silver = committed(catalog, IngestTables.silver("transactions")) + committed(catalog, IngestTables.silver("labels"));
    Map<String, Long> byReason = new TreeMap<>();
    Map<String, Long> byStage = new TreeMap<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(catalog.loadTable(IngestTables.QUARANTINE)).select("stage", "reason").build()) {
      rows.forEach(r -> {
        byReason.merge(r.getField("stage") + "/" + r.getField("reason"), 1L, Long::sum);
        byStage.merge((String) r.getField("stage"), 1L, Long::sum);
      });
    }
    Map<String, Long> versions = new TreeMap<>();
    Table bronzeTx = catalog.loadTable(IngestTables.bronze("transactions"));
    try (CloseableIterable<Record> rows = IcebergGenerics.read(bronzeTx).select("_schema_version").build()) {
      rows.forEach(r -> versions.merge("v" + r.getField("_schema_version"), 1L, Long::sum));
    }
    long undecodable = byStage.getOrDefault("decode", 0L);
    System.out.println("=== summary ===");
    System.out.printf("records in           %,d%n", recordsIn);
    System.out.printf("bronze               %,d%n", bronze);
    System.out.printf("silver               %,d%n", silver);
    System.out.printf("quarantined          %,d (undecodable %,d, rule violations %,d)%n", undecodable + byStage.getOrDefault("quality", 0L),
        undecodable, byStage.getOrDefault("quality", 0L));
    byReason.forEach((reason, n) -> System.out.printf("  %-40s %,d%n", reason, n));
    System.out.printf("transaction schemas  %s%n", versions);
    System.out.printf("bronze columns       %d (evolved from v1 to v3)%n", bronzeTx.schema().columns().size());
    boolean holds = recordsIn == bronze + undecodable;
    System.out.printf("check: in = bronze + undecodable  %s%n", holds ? "OK" : "MISMATCH");
    System.out.printf("throughput           %,.0f records/s over %.1f s (job submission to the last commit,"
        + " 2 s checkpoints)%n", recordsIn / seconds, seconds);
    return holds;
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
