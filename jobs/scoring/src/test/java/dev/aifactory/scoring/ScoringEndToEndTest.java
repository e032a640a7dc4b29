package dev.aifactory.scoring;

import dev.aifactory.models.runtime.Contributions;
import dev.aifactory.scoring.model.Prediction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.features.consistency.ServedConsistency;
import dev.aifactory.features.consistency.SilverEvents;
import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.training.TrainingSetJob;
import dev.aifactory.features.training.TrainingSetRequest;
import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.control.ModelChanges;
import dev.aifactory.models.registry.ModelRegistry;
import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.scoring.batch.BatchScoringJob;
import dev.aifactory.scoring.sink.PredictionTable;
import dev.aifactory.telemetry.Usage;
import dev.aifactory.training.FraudTrainingSet;
import dev.aifactory.training.TrainingRun;
import dev.aifactory.training.model.LogisticModel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.flink.FlinkCatalog;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring job on a real broker, Flink mini cluster and Iceberg warehouse, with models
 * trained from a real point-in-time training set: a champion swapped mid-stream, a tampered
 * model rejected, every event scored exactly once with the training set's own feature values,
 * and the batch tier giving the stream's scores.
 */
class ScoringEndToEndTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  static final FeatureView VIEW = FeatureViews.load("card_activity");
  static final String EVENTS = "silver.transactions";

  @Test
  void scoresEveryEventOnceWithTheTrainingSetsFeaturesAcrossAHotSwap(@TempDir Path tmp) throws Exception {
    JobConfig base = JobConfig.of(Map.of(
        "iceberg.catalog.type", "hadoop",
        "iceberg.catalog.warehouse", tmp.resolve("warehouse").toString(),
        "flink.parallelism.default", "2",
        "models.dir", tmp.resolve("models").toString(),
        "models.control.publish", "false",
        "kafka.bootstrap.servers", "localhost:9092"));
    Catalog catalog = IcebergCatalogs.loader(base).loadCatalog();
    FraudTrainingSet.Generated data = FraudTrainingSet.generate(FraudTrainingSet.settings(9), 3_000);
    TableIdentifier set = FraudTrainingSet.build(base, catalog, VIEW, data, "e2e", Instant.ofEpochMilli(data.firstTime()),
        Instant.ofEpochMilli(data.lastTime() + 1));
    JobConfig training = base.with("training.set", set.toString()).with("training.epochs", "5");
    TrainingRun.Result v1 = TrainingRun.run(training.with("training.promote", "champion"));
    TrainingRun.Result v2 = TrainingRun.run(training.with("training.seed", "99").with("training.positive-weight", "3"));
    Map<Integer, LogisticModel> reference = Map.of(1, v1.weights(), 2, v2.weights());
    ModelRegistry registry = ModelRegistry.open(catalog);

    List<GenericRecord> events = new ArrayList<>(data.transactions());
    events.sort(java.util.Comparator.comparingLong(e -> (Long) e.get("event_time")));
    int half = events.size() / 2;

    try (LocalKafka kafka = LocalKafka.start()) {
      // One silver partition: each card's events arrive in event-time order, so every vector
      // served must equal the training set's (FeaturesEndToEndTest covers arrival out of order).
      kafka.createTopics(1, EVENTS);
      kafka.createTopics(2, "scores", "telemetry.usage", dev.aifactory.scoring.review.ReviewCases.DEFAULT_TOPIC);
      kafka.createTopics(1, "models.control");
      JobConfig job = JobConfig.load("scoring-defaults.properties",
          "--kafka.bootstrap.servers", kafka.bootstrapServers(),
          "--iceberg.catalog.warehouse", tmp.resolve("warehouse").toString(),
          "--features.starting-offsets", "earliest",
          "--flink.execution.checkpointing.interval", "1s",
          "--flink.state.backend.type", "hashmap",
          "--scoring.batch.max-size", "64",
          "--scoring.batch.max-delay", "20ms");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
          org.apache.flink.configuration.Configuration.fromMap(job.withPrefix("flink.")));
      env.setParallelism(2);
      ScoringJobMain.define(env, job);
      JobClient client = env.executeAsync("scoring-under-test");
      Map<String, String> poison = new java.util.LinkedHashMap<>();
      try {
        produce(kafka, events.subList(0, half));
        // Records no ingest would write: each is set aside with its reason, and scoring goes on.
        poison.putAll(dev.aifactory.features.PoisonSilverRecords.send(kafka.bootstrapServers(), EVENTS, events.get(0)));
        waitFor(() -> kafka.readTopic("scores").size() >= half / 2, "the first scores");

        // Mid-stream: v2 becomes champion; then a tampered file claims to be v3.
        List<ModelVersion> changes = new ArrayList<>(registry.promote("fraud", 2, ModelStage.CHAMPION));
        ModelVersion v2Registered = changes.get(changes.size() - 1);
        changes.add(new ModelVersion("fraud", 3, ModelStage.CHAMPION, v2Registered.uri(), "0".repeat(64), v2Registered.signature()));
        ModelChanges.publish(kafka.bootstrapServers(), "models.control", changes);

        // The last 100 payments again, as an at-least-once silver topic redelivers after an ingest
        // restart: none may be scored twice or counted twice in anyone's features.
        produce(kafka, events.subList(half - 100, half));
        produce(kafka, events.subList(half, events.size()));
        // Then nothing more: no later event moves the watermark, and every payment, the last
        // ones too, must still be scored (the old join waited for the watermark to pass them).
        waitFor(() -> audited(catalog).size() >= events.size(), "every event in gold.predictions");
        waitFor(() -> unscoredReasons(catalog).size() >= poison.size(), "every poison record in gold.scoring_unscored");
      } finally {
        client.cancel().get();
      }

      // Each poison record in the job's dead letters, with its reason and where it was read.
      List<Record> unscored = unscoredReasons(catalog);
      assertThat(unscored).hasSize(poison.size());
      poison.forEach((what, reason) -> assertThat(unscored).as(what).anyMatch(r -> reason.equals(r.getField("reason"))));
      assertThat(unscored).allSatisfy(r -> {
        assertThat(r.getField("job")).isEqualTo("scoring");
        assertThat(r.getField("topic")).isEqualTo(EVENTS);
        assertThat(r.getField("offset")).isNotNull();
      });

      // Scores topic: every event exactly once, both champions, never the tampered one.
      Map<String, dev.aifactory.scoring.Score> scores = new HashMap<>();
      List<String> duplicates = new ArrayList<>();
      var published = new org.apache.avro.message.BinaryMessageDecoder<org.apache.avro.generic.GenericRecord>(
          org.apache.avro.generic.GenericData.get(),
          new org.apache.avro.Schema.Parser().parse(Path.of("../../schemas/src/main/avro/scoring/score-v1.avsc").toFile()));
      for (ConsumerRecord<byte[], byte[]> r : kafka.readTopic("scores")) {
        var score = dev.aifactory.scoring.Score.fromByteBuffer(ByteBuffer.wrap(r.value()));
        assertThat(published.decode(r.value()).get("event_id").toString()).as("plain Avro with schemas/ alone")
            .isEqualTo(score.getEventId());
        if (scores.put(score.getEventId(), score) != null) {
          duplicates.add(score.getEventId());
        }
      }
      assertThat(duplicates).as("events scored twice").isEmpty();
      assertThat(scores.keySet()).containsExactlyInAnyOrderElementsOf(events.stream().map(e -> e.get("event_id").toString()).toList());
      Map<Integer, Long> byVersion = scores.values().stream().collect(Collectors.groupingBy(s -> s.getModelVersion(), Collectors.counting()));
      assertThat(byVersion).containsOnlyKeys(1, 2);

      // Audit trail: the features of each event are the training set's, and the score is its
      // model's, recomputed in Java.
      Map<String, Record> audit = audited(catalog);
      Map<String, double[]> offline = features(catalog.loadTable(set));
      List<String> featureNames = VIEW.features().stream().map(FeatureDef::name).toList();
      for (Record row : audit.values()) {
        String id = (String) row.getField("event_id");
        double[] used = vector(row, featureNames);
        assertThat(used).as("features of %s: online equals the training set", id).containsExactly(offline.get(id), within(1e-9));
        int version = (Integer) row.getField("model_version");
        assertThat((Double) row.getField("score")).as(id).isCloseTo(reference.get(version).predict(used), within(1e-5));
        assertThat(scores.get(id).getModelVersion()).isEqualTo(version);
        assertThat(scores.get(id).getScore()).isEqualTo((Double) row.getField("score"));
      }

      // Review queue: one case per REVIEW decision of the audit, none for another, each with the
      // features the model read and contributions adding up, with the baseline, to its logit.
      Map<String, dev.aifactory.scoring.ReviewCase> cases = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : kafka.readTopic(dev.aifactory.scoring.review.ReviewCases.DEFAULT_TOPIC)) {
        var c = dev.aifactory.scoring.review.ReviewCases.decode(r.value());
        cases.put(c.getCaseId(), c);
      }
      List<String> reviewed = audit.values().stream().filter(row -> "REVIEW".equals(row.getField("decision")))
          .map(row -> (String) row.getField("event_id")).toList();
      assertThat(reviewed).as("REVIEW decisions in this run").isNotEmpty();
      assertThat(cases.keySet()).containsExactlyInAnyOrderElementsOf(reviewed);
      for (var c : cases.values()) {
        double[] used = vector(audit.get(c.getCaseId()), featureNames);
        double logit = c.getBaselineLogit();
        for (int i = 0; i < featureNames.size(); i++) {
          assertThat(c.getFeatures().get(featureNames.get(i))).isEqualTo(Double.isNaN(used[i]) ? null : used[i]);
          logit += c.getContributions().get(featureNames.get(i));
        }
        assertThat(logit).as(c.getCaseId()).isCloseTo(Contributions.logit(c.getScore()), within(1e-3));
        assertThat(c.getTier()).isEqualTo(Prediction.STREAM);
      }

      // Served versus offline, event by event (factory consistency --served): an in-order stream
      // has no mismatch, nothing missing, nothing extra.
      var consistency = ServedConsistency.check(VIEW, PredictionTable.served(catalog.loadTable(PredictionTable.PREDICTIONS), VIEW),
          SilverEvents.read(VIEW, catalog.loadTable(TableIdentifier.of("silver", "transactions")), null));
      assertThat(consistency.compared()).as(consistency.format()).isEqualTo(events.size());
      assertThat(consistency.mismatchedEvents() + consistency.missing() + consistency.extra()).as(consistency.format()).isZero();
      assertThat(consistency.smape().values()).allMatch(v -> v == 0.0);

      // A training set of the served vectors (factory training-set --served) holds, per event,
      // exactly what the audit says the model saw.
      TableIdentifier servedSet = TrainingSetJob.run(base, new TrainingSetRequest(VIEW, "served", Instant.ofEpochMilli(data.firstTime()),
          Instant.ofEpochMilli(data.lastTime() + 1), false, PredictionTable.PREDICTIONS));
      Map<String, double[]> servedVectors = features(catalog.loadTable(servedSet));
      assertThat(servedVectors).hasSize(events.size());
      audit.forEach((id, row) -> assertThat(servedVectors.get(id)).as(id).containsExactly(vector(row, featureNames)));
      assertThat(read(catalog.loadTable(servedSet)).values()).as("labels joined")
          .anyMatch(r -> Boolean.TRUE.equals(r.getField("is_fraud")));

      // Usage: one record per batch, the rows adding up to the events scored.
      long rows = 0;
      for (ConsumerRecord<byte[], byte[]> r : kafka.readTopic("telemetry.usage")) {
        Usage usage = Usage.fromByteBuffer(ByteBuffer.wrap(r.value()));
        assertThat(usage.getWorkloadClass()).isEqualTo("online_inference");
        assertThat(usage.getBatches()).isEqualTo(1L);
        rows += usage.getRowsScored();
      }
      assertThat(rows).isEqualTo(events.size());

      // The batch tier scores the training set with v2 exactly as the stream scored with v2.
      JobConfig batch = job.with("scoring.batch.input", set.toString()).with("scoring.batch.output", "gold.batch_e2e")
          .with("scoring.batch.model-version", "2");
      StreamExecutionEnvironment batchEnv = BatchScoringJob.environment(batch);
      batchEnv.setParallelism(2);
      BatchScoringJob.define(batchEnv, batch);
      batchEnv.execute("batch-scoring-under-test");
      Map<String, Record> batchScores = read(catalog.loadTable(TableIdentifier.parse("gold.batch_e2e")));
      assertThat(batchScores).hasSize(events.size());
      int compared = 0;
      for (Record row : batchScores.values()) {
        String id = (String) row.getField("event_id");
        assertThat(row.getField("model_version")).isEqualTo(2);
        assertThat((Double) row.getField("score")).isCloseTo(v2.weights().predict(offline.get(id)), within(1e-5));
        if (scores.get(id).getModelVersion() == 2) {
          assertThat((Double) row.getField("score")).as(id).isCloseTo(scores.get(id).getScore(), within(1e-6));
          compared++;
        }
      }
      assertThat(compared).isEqualTo(byVersion.get(2).intValue());

      // And Flink SQL's ML_PREDICT with the same registered file gives the same scores again.
      ModelVersion v2Now = registry.versions("fraud").stream().filter(v -> v.version() == 2).findFirst().orElseThrow();
      Map<String, Double> sql = mlPredict(base, set, v2Now);
      assertThat(sql).hasSize(events.size());
      sql.forEach((id, score) -> assertThat(score).as(id).isCloseTo((Double) batchScores.get(id).getField("score"), within(1e-6)));
    }
  }

  /** Scores the training set with {@code model} through CREATE MODEL ... 'provider' = 'onnx' (resolved in the registry) and ML_PREDICT. */
  static Map<String, Double> mlPredict(JobConfig config, TableIdentifier set, ModelVersion model) throws Exception {
    TableEnvironment tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    tables.getConfig().set("parallelism.default", "2");
    tables.registerCatalog("ice", new FlinkCatalog("ice", "default", Namespace.empty(), IcebergCatalogs.loader(config), Map.of(), false, -1));
    var schema = FlinkSchemaUtil.convert(IcebergCatalogs.loader(config).loadCatalog().loadTable(set).schema());
    String inputs = model.signature().featureOrder().stream()
        .map(f -> "`" + f + "` " + schema.getTypeAt(schema.getFieldIndex(f)).copy(true).asSerializableString())
        .collect(Collectors.joining(", "));
    // The model by its registered name and version, from the registry in the same catalog.
    String registry = config.withPrefix(IcebergCatalogs.PREFIX).entrySet().stream()
        .map(e -> "'registry.catalog." + e.getKey() + "' = '" + e.getValue() + "'").collect(Collectors.joining(", "));
    tables.executeSql("CREATE TEMPORARY MODEL fraud INPUT (" + inputs + ") OUTPUT (fraud_probability DOUBLE) WITH ("
        + "'provider' = 'onnx', 'model' = '" + model.name() + "', 'version' = '" + model.version() + "', " + registry + ")");
    String descriptor = model.signature().featureOrder().stream().map(f -> "`" + f + "`").collect(Collectors.joining(", "));
    Map<String, Double> out = new HashMap<>();
    try (var rows = tables.executeSql("SELECT event_id, fraud_probability FROM ML_PREDICT(TABLE ice." + set
        + ", MODEL fraud, DESCRIPTOR(" + descriptor + "))").collect()) {
      rows.forEachRemaining(r -> out.put((String) r.getField(0), (Double) r.getField(1)));
    }
    return out;
  }

  /** The rows of gold.scoring_unscored, once the table exists. */
  static List<Record> unscoredReasons(Catalog catalog) {
    if (!catalog.tableExists(PredictionTable.UNSCORED)) {
      return List.of();
    }
    List<Record> rows = new ArrayList<>();
    try (var it = org.apache.iceberg.data.IcebergGenerics.read(catalog.loadTable(PredictionTable.UNSCORED)).build()) {
      it.forEach(r -> rows.add(r.copy()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return rows;
  }

  static void produce(LocalKafka kafka, List<GenericRecord> events) {
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      for (GenericRecord e : events) {
        producer.send(new ProducerRecord<>(EVENTS, null, (Long) e.get("event_time"),
            e.get("event_id").toString().getBytes(StandardCharsets.UTF_8), AvroWire.singleObject(e)));
      }
    }
  }

  static KafkaProducer<byte[], byte[]> producer(LocalKafka kafka) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static void waitFor(Supplier<Boolean> condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(500);
    }
  }

  static Map<String, Record> audited(Catalog catalog) {
    Table table = catalog.loadTable(PredictionTable.PREDICTIONS);
    table.refresh();
    return read(table);
  }

  static Map<String, Record> read(Table table) {
    Map<String, Record> rows = new HashMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record r : records) {
        rows.put((String) r.getField("event_id"), r.copy());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return rows;
  }

  static Map<String, double[]> features(Table trainingSet) {
    List<String> names = VIEW.features().stream().map(FeatureDef::name).toList();
    Map<String, double[]> out = new HashMap<>();
    read(trainingSet).forEach((id, r) -> {
      double[] x = new double[names.size()];
      for (int i = 0; i < x.length; i++) {
        Object v = r.getField(names.get(i));
        x[i] = v == null ? Double.NaN : ((Number) v).doubleValue();
      }
      out.put(id, x);
    });
    return out;
  }

  @SuppressWarnings("unchecked")
  static double[] vector(Record audit, List<String> names) {
    Map<CharSequence, Double> map = (Map<CharSequence, Double>) audit.getField("features");
    Map<String, Double> byName = new HashMap<>();
    map.forEach((k, v) -> byName.put(k.toString(), v));
    double[] x = new double[names.size()];
    for (int i = 0; i < x.length; i++) {
      Double v = byName.get(names.get(i));
      x[i] = v == null ? Double.NaN : v;
    }
    return x;
  }
}
