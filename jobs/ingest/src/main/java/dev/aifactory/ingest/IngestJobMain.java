package dev.aifactory.ingest;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.KafkaStartingOffsets;
import dev.aifactory.common.kafka.KafkaSinks;
import dev.aifactory.common.lineage.LineageDataset;
import dev.aifactory.common.lineage.RunLineage;
import dev.aifactory.common.policy.JobRole;
import dev.aifactory.ingest.decode.QualityAwareWatermarks;
import dev.aifactory.ingest.domain.DomainSpec;
import dev.aifactory.ingest.maintenance.IngestTableMaintenance;
import dev.aifactory.ingest.maintenance.MaintenanceSettings;
import dev.aifactory.ingest.model.Decoded;
import dev.aifactory.ingest.sink.IcebergKafkaSinks;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.ingest.source.DecodingDeserializer;
import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.classification.Classifications;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.flink.CatalogLoader;

/**
 * Wires configuration to connectors and runs {@link IngestTopology}. Configuration: bundled
 * {@code ingest-defaults.properties}, then {@code --config file}, then {@code --key value}.
 * Keys starting with {@code flink.} are handed to Flink (checkpointing, state backend...).
 */
public final class IngestJobMain {

  private IngestJobMain() {}

  public static void main(String[] args) throws Exception {
    JobConfig config = JobConfig.load("ingest-defaults.properties", args);
    StreamExecutionEnvironment env = environment(config);
    define(env, config);
    env.execute(jobName(config));
  }

  public static String jobName(JobConfig config) {
    return config.get("ingest.job-name", "factory-ingest");
  }

  public static StreamExecutionEnvironment environment(JobConfig config) {
    Configuration flink = Configuration.fromMap(config.withPrefix("flink."));
    if (config.getBoolean("ingest.bounded", false)) {
      // Bounded runs (backfills) use BATCH execution: one Iceberg commit at the end, no
      // checkpoints to pay for, and keyed state sorted per key instead of kept in RocksDB.
      flink.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
    }
    return StreamExecutionEnvironment.getExecutionEnvironment(flink);
  }

  /** Adds the ingest job, with its real Kafka source and sinks, to an environment. */
  public static void define(StreamExecutionEnvironment env, JobConfig config) {
    IngestSettings settings = IngestSettings.from(config);
    JobRole.requireReads(config, "ingest", Map.of("raw", settings.domains().stream()
        .flatMap(d -> Classifications.of(SchemaCatalog.bundled().contract(d.contract()).schema()).classesByField().values().stream())
        .collect(java.util.stream.Collectors.toSet())));
    IngestTopology.build(source(env, config, settings), settings, sinks(config, settings));
    maintenance(env, config, settings);
    lineage(config, settings).attachTo(env);
  }

  /** What a run reads and writes, for its OpenLineage events: raw topics in; bronze, silver and the quarantine out. */
  public static RunLineage lineage(JobConfig config, IngestSettings settings) {
    boolean kafkaOutputs = config.getBoolean("ingest.kafka-outputs", true);
    RunLineage lineage = RunLineage.flinkJob(config, jobName(config), !config.getBoolean("ingest.bounded", false));
    settings.topics().forEach(topic -> lineage.reads(LineageDataset.topic(topic)));
    for (DomainSpec domain : settings.domains()) {
      lineage.writes(LineageDataset.table(IngestTables.bronze(domain.name())), LineageDataset.table(IngestTables.silver(domain.name())));
      if (kafkaOutputs) {
        lineage.writes(LineageDataset.topic(settings.silverTopic(domain.name())));
      }
    }
    lineage.writes(LineageDataset.table(IngestTables.QUARANTINE), LineageDataset.table(IngestTables.DQ));
    if (kafkaOutputs) {
      lineage.writes(LineageDataset.topic(settings.quarantineTopic()));
      if (!settings.usageTopic().isBlank()) {
        lineage.writes(LineageDataset.topic(settings.usageTopic()));
      }
    }
    return lineage;
  }

  /** Iceberg table maintenance, when {@code ingest.maintenance.enabled} and the run is streaming. */
  public static void maintenance(StreamExecutionEnvironment env, JobConfig config, IngestSettings settings) {
    MaintenanceSettings maintenance = MaintenanceSettings.from(config);
    if (maintenance.enabled() && !config.getBoolean("ingest.bounded", false)) {
      IngestTableMaintenance.addTo(env, IcebergCatalogs.loader(config), settings, maintenance);
    }
  }

  /**
   * The Kafka source over every domain's topic, decoding as it reads and tracking watermarks per
   * partition; bounded when {@code ingest.bounded=true}.
   */
  public static DataStream<Decoded> source(StreamExecutionEnvironment env, JobConfig config, IngestSettings settings) {
    KafkaSourceBuilder<Decoded> source = KafkaSource.<Decoded>builder()
        .setBootstrapServers(config.get("kafka.bootstrap.servers"))
        .setTopics(settings.topics())
        .setGroupId(config.get("ingest.group-id", "factory-ingest"))
        .setStartingOffsets(KafkaStartingOffsets.of(config.get("ingest.starting-offsets", "committed")))
        .setDeserializer(new DecodingDeserializer(settings))
        .setProperties(config.properties("kafka.consumer."));
    if (config.getBoolean("ingest.bounded", false)) {
      // Read up to the offsets at start, then finish: backfills, tests and benchmarks.
      source.setBounded(OffsetsInitializer.latest());
    }
    return env.fromSource(source.build(),
        QualityAwareWatermarks.strategy(settings.outOfOrderness(), settings.idleness()), "kafka + decode + quality rules")
        .uid("kafka-source");
  }

  /**
   * Iceberg tables from {@code iceberg.catalog.*} (created here if missing), Kafka topics on the
   * same brokers as the source.
   */
  public static IcebergKafkaSinks sinks(JobConfig config, IngestSettings settings) {
    CatalogLoader catalog = IcebergCatalogs.loader(config);
    IngestTables.ensureExist(catalog, settings);
    return new IcebergKafkaSinks(settings, catalog, config.getBoolean("ingest.kafka-outputs", true)
        ? KafkaSinks.Target.of(config, config.get("kafka.bootstrap.servers"),
            DeliveryGuarantee.valueOf(config.get("ingest.kafka.delivery-guarantee", "AT_LEAST_ONCE")),
            config.get("ingest.job-name", "factory-ingest"))
        : null);
  }

}
