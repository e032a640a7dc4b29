package dev.aifactory.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.definition.ViewClassification;
import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.registry.DataUse;
import dev.aifactory.models.registry.ModelRegistry;
import dev.aifactory.scoring.model.Decision;
import dev.aifactory.scoring.model.Prediction;
import dev.aifactory.scoring.sink.PredictionTable;
import dev.aifactory.scoring.sink.ServedPredictions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving API's decisions land in the same audit table as the streaming tier's, marked by
 * tier and tenant, through the scoring job as it ships; a table made before the serving tier is
 * upgraded in place, its old rows kept.
 */
class ServedDecisionsAuditTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  static final FeatureView VIEW = FeatureViews.load("card_activity");

  @Test
  void servedDecisionsAreAuditedInGoldPredictionsBesideTheStreamsOwn(@TempDir Path tmp) throws Exception {
    Catalog catalog = IcebergCatalogs.local(tmp.resolve("warehouse")).loadCatalog();
    TestModels.Trained v1 = TestModels.train(tmp.resolve("models"), VIEW, 1, 3);
    ModelRegistry registry = ModelRegistry.open(catalog);
    registry.register(v1.version(), null, new DataUse("fraud_detection", ViewClassification.classesByField(VIEW)));
    registry.promote("fraud", 1, ModelStage.CHAMPION);
    Table before = oldPredictionsTable(catalog);

    List<String> names = VIEW.features().stream().map(FeatureDef::name).toList();
    double[] values = new double[names.size()];
    Arrays.fill(values, Double.NaN);
    values[0] = 3;
    Prediction scored = sync("api-1", values, 0.42, Decision.APPROVE, null);
    scored.modelVersion = 1;
    scored.modelSha256 = v1.version().sha256();
    double[] none = new double[names.size()];
    Arrays.fill(none, Double.NaN);
    Prediction fallback = sync("api-2", none, Double.NaN, Decision.REVIEW, "online_store_unavailable");

    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(1, "silver.transactions");
      kafka.createTopics(2, "scores", "telemetry.usage", ServedPredictions.DEFAULT_TOPIC);
      kafka.createTopics(1, "models.control");
      Properties p = new Properties();
      p.put("bootstrap.servers", kafka.bootstrapServers());
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (Prediction d : List.of(scored, fallback)) {
          producer.send(new ProducerRecord<>(ServedPredictions.DEFAULT_TOPIC, d.eventId.getBytes(StandardCharsets.UTF_8),
              ServedPredictions.encode(d, names)));
        }
        // one record the audit cannot read: skipped with a log line, never stopping the job
        producer.send(new ProducerRecord<>(ServedPredictions.DEFAULT_TOPIC, "junk".getBytes(StandardCharsets.UTF_8),
            "not avro".getBytes(StandardCharsets.UTF_8)));
      }
      JobConfig job = JobConfig.load("scoring-defaults.properties",
          "--kafka.bootstrap.servers", kafka.bootstrapServers(),
          "--iceberg.catalog.warehouse", tmp.resolve("warehouse").toString(),
          "--features.starting-offsets", "earliest",
          // Checkpoints (and so Iceberg commits) every second rather than 10 s, and heap state, as
          // ScoringEndToEndTest: only how soon rows appear changes; RocksDB and the shipped interval
          // run in the session cluster tests.
          "--flink.execution.checkpointing.interval", "1s",
          "--flink.state.backend.type", "hashmap");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
          org.apache.flink.configuration.Configuration.fromMap(job.withPrefix("flink.")));
      env.setParallelism(2);
      ScoringJobMain.define(env, job);
      JobClient client = env.executeAsync("served-audit-under-test");
      try {
        ScoringEndToEndTest.waitFor(() -> ScoringEndToEndTest.audited(catalog).size() >= 3, "the served decisions in gold.predictions");
      } finally {
        client.cancel().get();
      }
    }

    Map<String, Record> rows = ScoringEndToEndTest.audited(catalog);
    assertThat(rows.keySet()).containsExactlyInAnyOrder("stream-before", "api-1", "api-2");
    assertThat(rows.get("stream-before").getField("tier")).as("rows written before the upgrade").isNull();
    Record api1 = rows.get("api-1");
    assertThat(api1.getField("tier")).isEqualTo(Prediction.SYNC);
    assertThat(api1.getField("tenant")).isEqualTo("checkout");
    assertThat(api1.getField("score")).isEqualTo(0.42);
    assertThat(api1.getField("model_version")).isEqualTo(1);
    assertThat(((Map<?, ?>) api1.getField("features")).get("tx_count_10m")).isEqualTo(3.0);
    Record api2 = rows.get("api-2");
    assertThat(api2.getField("fallback_reason")).isEqualTo("online_store_unavailable");
    assertThat(api2.getField("decision")).isEqualTo("REVIEW");
    assertThat(api2.getField("score")).isNull();
    assertThat(api2.getField("model_version")).isNull();
    assertThat(before.schema().findField("tier")).as("the table object from before is stale").isNull();

    // Vectors compared with an offline recomputation: a fallback served none.
    assertThat(PredictionTable.served(catalog.loadTable(PredictionTable.PREDICTIONS), VIEW))
        .extracting(s -> s.eventId()).containsExactlyInAnyOrder("stream-before", "api-1");
  }

  static Prediction sync(String eventId, double[] features, double score, Decision decision, String fallbackReason) {
    Prediction p = new Prediction();
    p.tier = Prediction.SYNC;
    p.tenant = "checkout";
    p.eventId = eventId;
    p.entity = "t.k1.card";
    p.eventTime = System.currentTimeMillis();
    p.featureValidFrom = fallbackReason == null ? p.eventTime - 1_000 : -1;
    p.features = features;
    p.score = score;
    p.decision = decision;
    p.fallbackReason = fallbackReason;
    p.modelName = "fraud";
    p.modelVersion = -1;
    p.provider = fallbackReason == null ? "CPU" : "none";
    p.batchSize = 1;
    p.scoredAt = p.eventTime;
    return p;
  }

  /** gold.predictions as this release's predecessor made it (no tier, required score and model), with one row. */
  static Table oldPredictionsTable(Catalog catalog) {
    Schema old = new Schema(PredictionTable.SCHEMA.columns().stream()
        .filter(f -> !List.of("tier", "tenant", "fallback_reason").contains(f.name()))
        .map(f -> List.of("score", "model_version", "model_sha256").contains(f.name())
            ? Types.NestedField.required(f.fieldId(), f.name(), f.type(), f.doc()) : f)
        .toList());
    Table table = catalog.createTable(PredictionTable.PREDICTIONS, old, PartitionSpec.builderFor(old).day("event_time").build());
    GenericRecord r = GenericRecord.create(old);
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    r.setField("event_id", "stream-before");
    r.setField("entity_id", "t.k1.card");
    r.setField("event_time", now);
    r.setField("features", Map.of("tx_count_10m", 1.0));
    r.setField("score", 0.1);
    r.setField("decision", "APPROVE");
    r.setField("model_name", "fraud");
    r.setField("model_version", 1);
    r.setField("model_sha256", "0".repeat(64));
    r.setField("batch_size", 1);
    r.setField("latency_us", 10L);
    r.setField("inference_us", 5L);
    r.setField("provider", "CPU");
    r.setField("scored_at", now);
    IcebergAppends.append(table, List.of(r));
    return table;
  }
}
