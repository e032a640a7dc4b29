package dev.aifactory.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratedMessage.Kind;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.ingest.model.Decoded;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.localstack.LocalKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupts the streaming job mid-stream, after some checkpoints have committed, in the two
 * ways production does: a stop with a savepoint and a restart from it, and a task failure
 * recovered from the last checkpoint. Every Kafka offset must end in bronze or quarantine
 * exactly once, and every event id in silver exactly once.
 */
class IngestExactlyOnceTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  /** Slows the first run down so it can be stopped with most of the topic still unread. */
  static final class Throttle implements MapFunction<Decoded, Decoded> {
    @Override
    public Decoded map(Decoded value) throws Exception {
      Thread.sleep(2);
      return value;
    }
  }

  static final AtomicBoolean FAILED = new AtomicBoolean();
  static final AtomicLong SEEN = new AtomicLong();

  /** Slows the stream like {@link Throttle}, and fails the task once, after {@code failAfter} records. */
  static final class FailOnce implements MapFunction<Decoded, Decoded> {
    private final long failAfter;

    FailOnce(long failAfter) {
      this.failAfter = failAfter;
    }

    @Override
    public Decoded map(Decoded value) throws Exception {
      Thread.sleep(2);
      if (SEEN.incrementAndGet() >= failAfter && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure after " + failAfter + " records");
      }
      return value;
    }
  }

  @Test
  void aTaskFailureRecoveredFromTheLastCheckpointLosesAndDuplicatesNothing(@TempDir Path tmp) throws Exception {
    FAILED.set(false);
    SEEN.set(0);
    try (LocalKafka kafka = LocalKafka.start()) {
      Expected expected = load(kafka);
      IngestHarness harness = new IngestHarness(kafka, tmp.resolve("warehouse"), null);
      JobClient job = harness.startStreaming(harness.config("failure"), raw -> raw.map(new FailOnce(2_000)).uid("throttle"),
          null, 3);
      try {
        harness.await(job, expected.allCommitted(harness), Duration.ofMinutes(2));
      } finally {
        job.cancel().get();
      }
      assertThat(FAILED).as("the failure was injected").isTrue();
      expected.assertExactlyOnce(harness);
    }
  }

  /**
   * With {@code ingest.kafka.delivery-guarantee=EXACTLY_ONCE} (the shipped default is at least
   * once, for latency: see README "Delivery"), the silver and quarantine topics are exactly once
   * too across a task failure, as a {@code read_committed} consumer sees them.
   */
  @Test
  void withExactlyOnceTopicsATaskFailureDoublesNothingOnTheSilverAndQuarantineTopics(@TempDir Path tmp) throws Exception {
    FAILED.set(false);
    SEEN.set(0);
    try (LocalKafka kafka = LocalKafka.start()) {
      Expected expected = load(kafka);
      IngestHarness harness = new IngestHarness(kafka, tmp.resolve("warehouse"), null);
      JobClient job = harness.startStreaming(harness.config("eos-topics").with("ingest.kafka.delivery-guarantee", "EXACTLY_ONCE"),
          raw -> raw.map(new FailOnce(2_000)).uid("throttle"), null, 3);
      try {
        harness.await(job, expected.allCommitted(harness), Duration.ofMinutes(2));
        // The topics commit with the same checkpoints as the tables.
        harness.await(job, () -> kafka.readCommitted("silver.transactions").size() >= expected.silver
            && kafka.readCommitted("ingest.quarantine").size() >= expected.quarantine, Duration.ofMinutes(1));
      } finally {
        job.cancel().get();
      }
      assertThat(FAILED).as("the failure was injected").isTrue();
      expected.assertExactlyOnce(harness);
      Map<String, Long> silverIds = kafka.readCommitted("silver.transactions").stream()
          .collect(Collectors.groupingBy(r -> new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), Collectors.counting()));
      assertThat(silverIds).hasSize((int) expected.silver).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
      Map<String, Long> quarantined = kafka.readCommitted("ingest.quarantine").stream()
          .collect(Collectors.groupingBy(r -> quarantineCoordinates(r.value()), Collectors.counting()));
      assertThat(quarantined).hasSize((int) expected.quarantine).allSatisfy((at, n) -> assertThat(n).as(at).isEqualTo(1));
    }
  }

  private static String quarantineCoordinates(byte[] message) {
    try {
      var record = new org.apache.avro.message.BinaryMessageDecoder<org.apache.avro.generic.GenericRecord>(
          org.apache.avro.generic.GenericData.get(), dev.aifactory.schemas.SchemaCatalog.bundled()
              .contract("dev.aifactory.ops.QuarantineRecord").schema()).decode(message);
      return record.get("topic") + "/" + record.get("partition") + "@" + record.get("offset");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The Iceberg warehouse unavailable for 30 s under load (here the Hadoop catalog's folder moved
   * away, with a file in its place so that nothing can recreate it, then back; for a REST
   * catalog, the service down): commits and writers fail, the job
   * restarts from its last checkpoint until the warehouse is back, then catches up. Nothing is
   * lost or doubled.
   */
  @Test
  void theWarehouseUnavailableFor30SecondsLosesAndDuplicatesNothing(@TempDir Path tmp) throws Exception {
    try (LocalKafka kafka = LocalKafka.start()) {
      Expected expected = load(kafka);
      Path warehouse = tmp.resolve("warehouse");
      IngestHarness harness = new IngestHarness(kafka, warehouse, null);
      JobClient job = harness.startStreaming(harness.config("warehouse-outage"), raw -> raw.map(new Throttle()).uid("throttle"),
          null, 1_000);
      try {
        harness.await(job, () -> harness.committed(IngestTables.bronze("transactions")) >= 500, Duration.ofMinutes(2));
        Path away = tmp.resolve("warehouse-away");
        java.nio.file.Files.move(warehouse, away);
        java.nio.file.Files.writeString(warehouse, "the warehouse is unavailable");
        Thread.sleep(30_000);
        java.nio.file.Files.delete(warehouse);
        java.nio.file.Files.move(away, warehouse);
        long back = System.nanoTime();
        harness.await(job, expected.allCommitted(harness), Duration.ofMinutes(3));
        System.out.printf("warehouse outage: caught up %.1f s after the warehouse came back%n", (System.nanoTime() - back) / 1e9);
      } finally {
        job.cancel().get();
      }
      expected.assertExactlyOnce(harness);
    }
  }

  /** The bounded mode (ingest.bounded: BATCH, for backfills) lands every record once as well. */
  @Test
  void aBoundedBackfillRunLosesAndDuplicatesNothing(@TempDir Path tmp) throws Exception {
    try (LocalKafka kafka = LocalKafka.start()) {
      Expected expected = load(kafka);
      IngestHarness harness = new IngestHarness(kafka, tmp.resolve("warehouse"), null);
      harness.runBounded(harness.config("bounded"));
      expected.assertExactlyOnce(harness);
    }
  }

  @Test
  void stoppingWithASavepointAndRestoringLosesAndDuplicatesNothing(@TempDir Path tmp) throws Exception {
    try (LocalKafka kafka = LocalKafka.start()) {
      Expected expected = load(kafka);
      IngestHarness harness = new IngestHarness(kafka, tmp.resolve("warehouse"), null);
      long expectedBronze = expected.bronze;
      var config = harness.config("exactly-once");

      // First run: stop with a savepoint once some data is committed and much is still unread.
      JobClient first = harness.startStreaming(config, raw -> raw.map(new Throttle()).uid("throttle"), null);
      harness.await(first, () -> harness.committed(IngestTables.bronze("transactions")) >= 500, Duration.ofMinutes(2));
      String savepoint = first.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(),
          SavepointFormatType.CANONICAL).get();
      long committedAtStop = harness.committed(IngestTables.bronze("transactions"));
      assertThat(committedAtStop).as("stopped mid-stream").isBetween(500L, expectedBronze - 500);

      // Second run, from the savepoint, same topology and operator uids, until everything landed.
      JobClient second = harness.startStreaming(config, raw -> raw.map(new Throttle()).uid("throttle"), savepoint);
      try {
        harness.await(second, expected.allCommitted(harness), Duration.ofMinutes(2));
      } finally {
        second.cancel().get();
      }
      expected.assertExactlyOnce(harness);
    }
  }

  /**
   * The case of apache/iceberg#16008: an Iceberg commit succeeded, but the job did not learn it
   * (its response was lost, the job died right after), and the job is started again as a new job
   * (a new job id) from its last checkpoint, whose committables it commits again. Emulated here
   * by cancelling right after a commit and restoring the retained checkpoint as a new job: the
   * restored committables were already committed, and must not be committed twice.
   */
  @Test
  void aNewJobFromTheLastCheckpointDoesNotCommitAgainWhatWasCommitted(@TempDir Path tmp) throws Exception {
    try (LocalKafka kafka = LocalKafka.start()) {
      Expected expected = load(kafka);
      IngestHarness harness = new IngestHarness(kafka, tmp.resolve("warehouse"), null);
      var config = harness.config("lost-commit");
      Path checkpoints = tmp.resolve("checkpoints");

      JobClient first = harness.startStreaming(config, raw -> raw.map(new Throttle()).uid("throttle"), null, 0, checkpoints);
      long before;
      try {
        harness.await(first, () -> harness.committed(IngestTables.bronze("transactions")) >= 500, Duration.ofMinutes(2));
        before = harness.committed(IngestTables.bronze("transactions"));
        // Right after the next commit: the checkpoint it belongs to is the one restored below.
        harness.await(first, () -> harness.committed(IngestTables.bronze("transactions")) > before, Duration.ofMinutes(1));
      } finally {
        first.cancel().get();
      }
      Path latest = latestCheckpoint(checkpoints.resolve(first.getJobID().toString()));
      assertThat(harness.committed(IngestTables.bronze("transactions"))).as("stopped mid-stream")
          .isLessThan(expected.bronze);

      JobClient second = harness.startStreaming(config, raw -> raw.map(new Throttle()).uid("throttle"),
          latest.toUri().toString(), 0, null);
      try {
        assertThat(second.getJobID()).isNotEqualTo(first.getJobID());
        harness.await(second, expected.allCommitted(harness), Duration.ofMinutes(2));
      } finally {
        second.cancel().get();
      }
      expected.assertExactlyOnce(harness);
    }
  }

  private static Path latestCheckpoint(Path jobCheckpoints) throws java.io.IOException {
    try (var dirs = java.nio.file.Files.list(jobCheckpoints)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("chk-") && java.nio.file.Files.exists(d.resolve("_metadata")))
          .max(java.util.Comparator.comparingLong(d -> Long.parseLong(d.getFileName().toString().substring(4))))
          .orElseThrow(() -> new AssertionError("no retained checkpoint in " + jobCheckpoints));
    }
  }

  /** Generated payments sent to raw.transactions, and where each must end up. */
  private static Expected load(LocalKafka kafka) {
    kafka.createTopics(2, "raw.transactions", "raw.labels", "silver.transactions", "silver.labels", "ingest.quarantine");
    List<GeneratedMessage> messages = new PaymentsGenerator(GeneratorSettings.defaults().withSeed(7), "raw.transactions", null)
        .take(4_000);
    IngestHarness producerSide = new IngestHarness(kafka, null, null);
    producerSide.sendAll(messages);
    Map<Kind, Long> kinds = PaymentsGenerator.countByKind(messages);
    long undecodable = kinds.getOrDefault(Kind.UNDECODABLE, 0L);
    return new Expected(messages.size(), messages.size() - undecodable, undecodable + kinds.getOrDefault(Kind.RULE_VIOLATION, 0L),
        kinds.getOrDefault(Kind.TRANSACTION, 0L) + kinds.getOrDefault(Kind.LATE, 0L));
  }

  private record Expected(int sent, long bronze, long quarantine, long silver) {

    java.util.function.BooleanSupplier allCommitted(IngestHarness harness) {
      return () -> harness.committed(IngestTables.bronze("transactions")) >= bronze
          && harness.committed(IngestTables.QUARANTINE) >= quarantine
          && harness.committed(IngestTables.silver("transactions")) >= silver;
    }

    void assertExactlyOnce(IngestHarness harness) {
      List<Record> bronzeRows = harness.table(IngestTables.bronze("transactions"));
      List<Record> undecodableRows = harness.table(IngestTables.QUARANTINE).stream()
          .filter(q -> q.getField("stage").equals("decode")).toList();
      Map<String, Long> perOffset = new HashMap<>();
      bronzeRows.forEach(r -> perOffset.merge(r.getField("_kafka_partition") + "@" + r.getField("_offset"), 1L, Long::sum));
      undecodableRows.forEach(q -> perOffset.merge(q.getField("partition") + "@" + q.getField("offset"), 1L, Long::sum));
      assertThat(perOffset).as("every offset somewhere").hasSize(sent);
      assertThat(perOffset.values().stream().filter(n -> n > 1).count()).as("offsets written twice").isZero();
      for (int p = 0; p < 2; p++) {
        final int partition = p;
        assertThat(perOffset.keySet().stream().filter(k -> k.startsWith(partition + "@")).count())
            .as("partition %d has rows", partition).isPositive();
      }
      assertThat(harness.table(IngestTables.QUARANTINE)).hasSize((int) quarantine);

      List<Record> silverRows = harness.table(IngestTables.silver("transactions"));
      Map<Object, Long> perId = silverRows.stream().collect(Collectors.groupingBy(r -> r.getField("event_id"), Collectors.counting()));
      assertThat(perId.values().stream().filter(n -> n > 1).count()).as("event ids in silver twice").isZero();
      assertThat(silverRows).hasSize((int) silver);
    }
  }
}
