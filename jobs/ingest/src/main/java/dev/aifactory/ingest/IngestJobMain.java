package dev.aifactory.ingest;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.ingest.model.RawRecord;
import dev.aifactory.ingest.sink.IcebergKafkaSinks;
import dev.aifactory.ingest.source.RawRecordDeserializer;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

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
    env.execute(config.get("ingest.job-name", "factory-ingest"));
  }

  public static StreamExecutionEnvironment environment(JobConfig config) {
    Configuration flink = Configuration.fromMap(config.withPrefix("flink."));
    return StreamExecutionEnvironment.getExecutionEnvironment(flink);
  }

  /** Adds the ingest job, with its real Kafka source and sinks, to an environment. */
  public static void define(StreamExecutionEnvironment env, JobConfig config) {
    IngestSettings settings = IngestSettings.from(config);
    IngestTopology.build(rawSource(env, config, settings), settings, sinks(config, settings));
  }

  /** The raw Kafka source over every domain's topic; bounded when {@code ingest.bounded=true}. */
  public static DataStream<RawRecord> rawSource(StreamExecutionEnvironment env, JobConfig config, IngestSettings settings) {
    KafkaSourceBuilder<RawRecord> source = KafkaSource.<RawRecord>builder()
        .setBootstrapServers(config.get("kafka.bootstrap.servers"))
        .setTopics(settings.topics())
        .setGroupId(config.get("ingest.group-id", "factory-ingest"))
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(new RawRecordDeserializer())
        .setProperties(kafkaProperties(config, "kafka.consumer."));
    if (config.getBoolean("ingest.bounded", false)) {
      // Read up to the offsets at start, then finish: backfills, tests and benchmarks.
      source.setBounded(OffsetsInitializer.latest());
    }
    return env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), "kafka raw").uid("kafka-raw-source");
  }

  /** Iceberg tables from {@code iceberg.catalog.*}, Kafka topics on the same brokers as the source. */
  public static IcebergKafkaSinks sinks(JobConfig config, IngestSettings settings) {
    return new IcebergKafkaSinks(settings, IcebergCatalogs.loader(config),
        config.getBoolean("ingest.kafka-outputs", true) ? config.get("kafka.bootstrap.servers") : null,
        DeliveryGuarantee.valueOf(config.get("ingest.kafka.delivery-guarantee", "AT_LEAST_ONCE")),
        kafkaProperties(config, "kafka.producer."));
  }

  private static Properties kafkaProperties(JobConfig config, String prefix) {
    Properties props = new Properties();
    props.putAll(config.withPrefix(prefix));
    return props;
  }
}
