package dev.aifactory.benchmarks.faults;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.launcher.cluster.FlinkRestClient;
import dev.aifactory.launcher.cluster.JobJars;
import dev.aifactory.launcher.cluster.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.catalog.Catalog;

/**
 * One fault's run: the ingest job as shipped (the local cluster's settings, at-least-once silver
 * topic, exactly-once Iceberg), submitted as its shaded jar, reading a raw topic and writing a
 * warehouse and topics of the drill's own, so that every drill is counted alone.
 */
final class Drill {

  final String name;
  final LocalStack stack;
  final FlinkRestClient flink;
  final SchemaRegistryOutage registry;
  final Path warehouse;
  final String rawTopic;
  final String silverTopic;
  private final JobJars.JobJar jar;
  private SteadyLoad load;
  private volatile String jobId;
  private volatile long faultStartedAt;
  private final Map<String, Object> notes = new java.util.concurrent.ConcurrentSkipListMap<>();

  Drill(String name, LocalStack stack, SchemaRegistryOutage registry, JobJars.JobJar jar) {
    this.name = name;
    this.stack = stack;
    this.flink = stack.flink();
    this.registry = registry;
    this.jar = jar;
    this.warehouse = stack.warehouse().resolveSibling("warehouse-" + name);
    this.rawTopic = "raw-" + name + ".transactions";
    this.silverTopic = "silver-" + name + ".transactions";
  }

  /** Submits the job from the beginning of the drill's topic, or from a retained checkpoint. */
  void submit(String fromCheckpoint) {
    jobId = flink.run(flink.uploadOnce(jar.jar()), jar.entryClass(), 2, options(), fromCheckpoint, false);
  }

  private List<String> options() {
    return List.of("--kafka.bootstrap.servers", stack.bootstrapServers(),
        "--schema.registry.url", registry.url(),
        "--iceberg.catalog.warehouse", warehouse.toString(),
        "--governance.tokens.keyring", stack.tokenKeyring().toString(),
        "--ingest.domains", "transactions",
        "--ingest.domain.transactions.topic", rawTopic,
        "--ingest.group-id", "drill-" + name,
        "--ingest.starting-offsets", "earliest",
        "--ingest.silver.topic-prefix", "silver-" + name + ".",
        "--ingest.quarantine.topic", "quarantine-" + name);
  }

  /** The fault begins now (a fault that first waits for its moment calls this when it strikes). */
  void markFaultStart() {
    faultStartedAt = System.nanoTime();
  }

  /** Something the fault found out about itself, reported with the outcome. */
  void note(String key, Object value) {
    notes.put(key, value);
  }

  Map<String, Object> notes() {
    return notes;
  }

  long faultStartedAt() {
    return faultStartedAt;
  }

  String jobId() {
    return jobId;
  }

  void attach(SteadyLoad steadyLoad) {
    this.load = steadyLoad;
  }

  SteadyLoad load() {
    return load;
  }

  /** The TaskManager (its number in the stack) running the job's first source subtask. */
  int sourceTaskManager() {
    var source = flink.get("/jobs/" + jobId).path("vertices").get(0);
    String resourceId = flink.get("/jobs/" + jobId + "/vertices/" + source.path("id").asText())
        .path("subtasks").get(0).path("taskmanager-id").asText();
    return stack.taskManagerNumber(resourceId);
  }

  /** The newest complete checkpoint the job left behind (chk-N holding its metadata). */
  Optional<Path> latestRetainedCheckpoint(String job) {
    Path dir = stack.checkpoints().resolve(job);
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> chks = Files.list(dir)) {
      return chks.filter(p -> p.getFileName().toString().startsWith("chk-") && Files.exists(p.resolve("_metadata")))
          .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(4))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rows silver's table holds as of its current snapshot, or -1 while it cannot be read. */
  long silverRows() {
    try {
      Catalog catalog = IcebergCatalogs.local(warehouse).loadCatalog();
      if (!catalog.tableExists(IngestTables.silver("transactions"))) {
        return 0;
      }
      Snapshot snapshot = catalog.loadTable(IngestTables.silver("transactions")).currentSnapshot();
      return snapshot == null ? 0 : Long.parseLong(snapshot.summary().getOrDefault("total-records", "0"));
    } catch (RuntimeException e) {
      return -1;
    }
  }
}
