package dev.aifactory.scoring;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.kafka.KafkaSinks;
import dev.aifactory.common.kafka.KafkaTopics;
import dev.aifactory.common.lineage.LineageDataset;
import dev.aifactory.common.lineage.RunLineage;
import dev.aifactory.common.policy.JobRole;
import dev.aifactory.features.FeaturesJobMain;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.definition.ViewClassification;
import dev.aifactory.features.sink.FeatureSinks;
import dev.aifactory.features.sink.FeatureTables;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.registry.ModelRegistry;
import dev.aifactory.scoring.model.Prediction;
import dev.aifactory.scoring.operator.ScoringSettings;
import dev.aifactory.scoring.review.ReviewCaseSerializer;
import dev.aifactory.scoring.review.ReviewCases;
import dev.aifactory.scoring.sink.KafkaIcebergScoringSinks;
import dev.aifactory.scoring.sink.PredictionTable;
import dev.aifactory.scoring.sink.ServedPredictions;
import dev.aifactory.scoring.sink.UsageSerializer;
import dev.aifactory.scoring.source.ControlTopicDeserializer;
import dev.aifactory.scoring.source.ServedPredictionDeserializer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.flink.CatalogLoader;

/**
 * The streaming scoring job: events from the silver topic, each one's features computed as it
 * arrives, the registry's champion scoring them in micro-batches, hot-swapped from the control
 * topic; the view's history and online topic come from the same rows.
 * {@code main} only wires configuration to connectors; the topology is {@link ScoringTopology}.
 */
public final class ScoringJobMain {

  private ScoringJobMain() {}

  public static void main(String[] args) throws Exception {
    JobConfig config = JobConfig.load("scoring-defaults.properties", args);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Configuration.fromMap(config.withPrefix("flink.")));
    define(env, config);
    env.execute(jobName(config));
  }

  public static String jobName(JobConfig config) {
    return config.get("scoring.job-name", "factory-scoring-" + config.get("scoring.model-name"));
  }

  public static void define(StreamExecutionEnvironment env, JobConfig config) throws Exception {
    FeatureView view = FeatureViews.load(config.get("scoring.view"));
    JobRole.requireReads(config, "scoring", Map.of("silver", ViewClassification.sourceClasses(view), "models", java.util.Set.of()));
    ScoringSettings settings = ScoringSettings.from(config);
    CatalogLoader catalog = IcebergCatalogs.loader(config);
    Instant registryRead = Instant.now();
    ModelVersion champion = ModelRegistry.open(catalog.loadCatalog()).current(settings.modelName(), ModelStage.CHAMPION)
        .orElseThrow(() -> new IllegalStateException("no champion for model " + settings.modelName()
            + " in the registry: train and promote one first (factory train --training.promote=champion)"));
    JobConfig events = config.with("features.view", view.name());
    ScoringTopology.build(FeaturesJobMain.silverTopic(env, events, view), controlTopic(env, config, registryRead),
        servedTopic(env, config, view), view, champion, settings, sinks(config, view, catalog), featureSinks(events, view, catalog));
    lineage(config, view, champion).attachTo(env);
  }

  /**
   * What a run reads and writes, for its lineage: silver, the champion's file and the control
   * topic (and the serving API's decisions) in; scores, the audit, review cases, metering and
   * (unless {@code scoring.features.write=false}) the view's feature outputs out.
   */
  static RunLineage lineage(JobConfig config, FeatureView view, ModelVersion champion) {
    RunLineage lineage = RunLineage.flinkJob(config, jobName(config), true)
        .reads(LineageDataset.topic(FeaturesJobMain.silverTopicName(config, view)),
            LineageDataset.file(champion.uri()), LineageDataset.topic(config.get("models.control.topic")))
        .writes(LineageDataset.topic(config.get("scoring.scores.topic")), LineageDataset.table(PredictionTable.PREDICTIONS),
            LineageDataset.table(PredictionTable.UNSCORED), LineageDataset.topic(reviewTopic(config)),
            LineageDataset.topic(config.get("scoring.usage.topic")));
    String served = config.get("scoring.served.topic", ServedPredictions.DEFAULT_TOPIC);
    if (!served.isBlank()) {
      lineage.reads(LineageDataset.topic(served));
    }
    if (config.getBoolean("scoring.features.write", true)) {
      lineage.writes(FeaturesJobMain.outputs(view, FeaturesJobMain.onlineTopic(config, view)));
    }
    return lineage;
  }

  /**
   * The view's history table and online topic, written from this job's per-event rows unless
   * {@code scoring.features.write=false} (while a features job still runs the same view, as in
   * the demo, which built its training history with one before a model existed).
   */
  static FeatureSinks featureSinks(JobConfig config, FeatureView view, CatalogLoader catalog) throws Exception {
    if (!config.getBoolean("scoring.features.write", true)) {
      return null;
    }
    FeatureTables.ensureExist(catalog.loadCatalog(), view);
    String topic = FeaturesJobMain.onlineTopic(config, view);
    FeaturesJobMain.ensureCompactedTopic(config, topic);
    FeaturesJobMain.registerOnlineSchema(config, view, topic);
    return FeaturesJobMain.sinks(config, view, catalog, topic);
  }

  /**
   * Registry changes from a minute before the registry was read (a restore resumes from the
   * checkpointed offsets instead): a change made while the job started is seen, and seeing one
   * twice is harmless.
   */
  static DataStream<ModelVersion> controlTopic(StreamExecutionEnvironment env, JobConfig config, Instant registryRead) {
    KafkaSource<ModelVersion> source = KafkaSource.<ModelVersion>builder()
        .setBootstrapServers(config.get("kafka.bootstrap.servers"))
        .setTopics(config.get("models.control.topic"))
        .setGroupId(config.get("scoring.control.group-id", "factory-scoring-control-" + config.get("scoring.model-name")))
        .setStartingOffsets(OffsetsInitializer.timestamp(registryRead.minus(Duration.ofMinutes(1)).toEpochMilli()))
        .setDeserializer(new ControlTopicDeserializer())
        .setProperties(config.properties("kafka.consumer."))
        .build();
    return env.fromSource(source, WatermarkStrategy.noWatermarks(), "model control topic").uid("model-control-topic");
  }

  /**
   * The serving API's decisions ({@code scoring.served.topic}, default {@code serving.decisions};
   * empty to take none), audited into {@code gold.predictions} with this job's own. From the
   * group's committed offsets, else the earliest: every decision is audited once, exactly once
   * with the Iceberg sink's checkpoints.
   */
  static DataStream<Prediction> servedTopic(StreamExecutionEnvironment env, JobConfig config, FeatureView view) throws Exception {
    String topic = config.get("scoring.served.topic", ServedPredictions.DEFAULT_TOPIC);
    if (topic.isBlank()) {
      return null;
    }
    KafkaTopics.ensure(config, topic, config.getInt("scoring.served.partitions", 2), (short) config.getInt("scoring.served.replication-factor", 1),
        Map.of());
    KafkaSource<Prediction> source = KafkaSource.<Prediction>builder()
        .setBootstrapServers(config.get("kafka.bootstrap.servers"))
        .setTopics(topic)
        .setGroupId(config.get("scoring.served.group-id", "factory-scoring-served-" + config.get("scoring.model-name")))
        .setStartingOffsets(OffsetsInitializer.committedOffsets(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST))
        .setDeserializer(new ServedPredictionDeserializer(view.features().stream().map(f -> f.name()).toList()))
        .setProperties(config.properties("kafka.consumer."))
        .build();
    return env.fromSource(source, WatermarkStrategy.noWatermarks(), "serving API decisions").uid("served-decisions-topic");
  }

  static String reviewTopic(JobConfig config) {
    return config.get("scoring.review.topic", ReviewCases.DEFAULT_TOPIC);
  }

  static KafkaIcebergScoringSinks sinks(JobConfig config, FeatureView view, CatalogLoader catalog) throws Exception {
    ScoringSettings settings = ScoringSettings.from(config);
    String reviewTopic = reviewTopic(config);
    // The job owns the review queue's topic: a REVIEW written to a missing topic would fail the job.
    KafkaTopics.ensure(config, reviewTopic, config.getInt("scoring.review.partitions", 2),
        (short) config.getInt("scoring.review.replication-factor", 1), Map.of());
    String job = jobName(config);
    return new KafkaIcebergScoringSinks(view, catalog, new KafkaIcebergScoringSinks.Topics(
        KafkaSinks.Target.of(config, config.get("kafka.bootstrap.servers"),
            DeliveryGuarantee.valueOf(config.get("scoring.delivery-guarantee", "AT_LEAST_ONCE")), job),
        config.get("scoring.scores.topic"),
        config.get("scoring.usage.topic"),
        new UsageSerializer(config.get("scoring.usage.topic"), config.get("scoring.team", "risk"), "online_inference", job,
            config.get("scoring.accelerator-type", "unknown")),
        new ReviewCaseSerializer(reviewTopic,
            view.features().stream().map(f -> f.name()).toList(), settings.reviewAt(), settings.declineAt())));
  }
}
