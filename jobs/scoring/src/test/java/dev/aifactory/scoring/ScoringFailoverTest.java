package dev.aifactory.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.scoring.sink.PredictionTable;
import dev.aifactory.training.FraudTrainingSet;
import dev.aifactory.training.TrainingRun;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager is killed while the scoring job runs: the job restarts from its last checkpoint
 * on a fresh TaskManager, and every payment is scored exactly once, in the audit table and on
 * the scores topic as a {@code read_committed} consumer sees it.
 *
 * <p>The scores and usage topics run with {@code scoring.delivery-guarantee=EXACTLY_ONCE} here.
 * The shipped default is at least once, because a transactional topic shows a score only after
 * the checkpoint that commits it, too late for a payment that must be stopped; consumers of the
 * default deduplicate by event id, which {@link ScoringEndToEndTest} exercises with redelivered
 * payments. Everything else is the shipped configuration (RocksDB, checkpoints every second
 * instead of ten so the test does not wait).
 */
class ScoringFailoverTest {

  static final FeatureView VIEW = ScoringEndToEndTest.VIEW;

  @Test
  void killingATaskManagerMidStreamScoresEveryPaymentExactlyOnce(@TempDir Path tmp) throws Exception {
    JobConfig base = JobConfig.of(Map.of(
        "iceberg.catalog.type", "hadoop",
        "iceberg.catalog.warehouse", tmp.resolve("warehouse").toString(),
        "models.dir", tmp.resolve("models").toString(),
        "models.control.publish", "false",
        "kafka.bootstrap.servers", "localhost:9092"));
    Catalog catalog = IcebergCatalogs.loader(base).loadCatalog();
    FraudTrainingSet.Generated data = FraudTrainingSet.generate(FraudTrainingSet.settings(5), 1_500);
    TableIdentifier set = FraudTrainingSet.build(base, catalog, VIEW, data, "failover", Instant.ofEpochMilli(data.firstTime()),
        Instant.ofEpochMilli(data.lastTime() + 1));
    TrainingRun.run(base.with("training.set", set.toString()).with("training.epochs", "2").with("training.promote", "champion"));

    List<GenericRecord> events = new ArrayList<>(data.transactions());
    events.sort(java.util.Comparator.comparingLong(e -> (Long) e.get("event_time")));
    int half = events.size() / 2;

    Configuration cluster = new Configuration();
    cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    cluster.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
    cluster.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
    try (LocalKafka kafka = LocalKafka.start();
        MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder()
            .setConfiguration(cluster).setNumTaskManagers(1).setNumSlotsPerTaskManager(4).build())) {
      flink.start();
      TestStreamEnvironment.setAsContext(flink, 2);
      kafka.createTopics(1, ScoringEndToEndTest.EVENTS, "models.control");
      kafka.createTopics(2, "scores", "telemetry.usage");
      JobConfig job = JobConfig.load("scoring-defaults.properties",
          "--kafka.bootstrap.servers", kafka.bootstrapServers(),
          "--iceberg.catalog.warehouse", tmp.resolve("warehouse").toString(),
          "--models.dir", tmp.resolve("models").toString(),
          "--features.starting-offsets", "earliest",
          "--scoring.delivery-guarantee", "EXACTLY_ONCE",
          "--flink.execution.checkpointing.interval", "1s");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
          Configuration.fromMap(job.withPrefix("flink.")));
      env.setParallelism(2);
      ScoringJobMain.define(env, job);
      JobClient client = env.executeAsync("scoring-failover-under-test");
      try {
        ScoringEndToEndTest.produce(kafka, events.subList(0, half));
        ScoringEndToEndTest.waitFor(() -> auditRows(catalog).size() >= half / 3, "a first checkpoint's scores");

        flink.terminateTaskManager(0).get();
        flink.startTaskManager();

        ScoringEndToEndTest.produce(kafka, events.subList(half, events.size()));
        ScoringEndToEndTest.waitFor(() -> auditRows(catalog).size() >= events.size(), "every payment audited after the failover");
        // One more checkpoint, so the scores of the last payments are committed on the topic too.
        ScoringEndToEndTest.waitFor(() -> committedScores(kafka).size() >= events.size(), "every score committed");
      } finally {
        client.cancel().get();
        TestStreamEnvironment.unsetAsContext();
      }

      List<String> expected = events.stream().map(e -> e.get("event_id").toString()).toList();
      assertThat(countById(auditRows(catalog))).as("audit rows per payment").containsOnlyKeys(expected)
          .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
      assertThat(countById(committedScores(kafka))).as("committed scores per payment").containsOnlyKeys(expected)
          .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
    }
  }

  private static Map<String, Integer> countById(List<String> ids) {
    Map<String, Integer> counts = new HashMap<>();
    ids.forEach(id -> counts.merge(id, 1, Integer::sum));
    return counts;
  }

  /** Event ids of every row of gold.predictions, duplicates kept. */
  private static List<String> auditRows(Catalog catalog) {
    Table table = catalog.loadTable(PredictionTable.PREDICTIONS);
    table.refresh();
    List<String> ids = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      rows.forEach(r -> ids.add((String) r.getField("event_id")));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return ids;
  }

  /** Event ids of the scores a read_committed consumer sees, duplicates kept. */
  private static List<String> committedScores(LocalKafka kafka) {
    List<String> ids = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readCommitted("scores")) {
      try {
        ids.add(Score.fromByteBuffer(ByteBuffer.wrap(r.value())).getEventId());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return ids;
  }

}
