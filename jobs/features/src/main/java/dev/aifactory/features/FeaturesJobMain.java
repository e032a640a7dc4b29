package dev.aifactory.features;

import dev.aifactory.common.kafka.ArrivalTime;
import dev.aifactory.features.model.DroppedEvent;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.lineage.LineageDataset;
import dev.aifactory.common.lineage.RunLineage;
import dev.aifactory.common.kafka.KafkaTopics;
import dev.aifactory.common.KafkaStartingOffsets;
import dev.aifactory.common.policy.JobRole;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.definition.ViewClassification;
import dev.aifactory.features.sink.FeatureSinks;
import dev.aifactory.features.sink.FeatureTables;
import dev.aifactory.features.online.RedisSettings;
import dev.aifactory.features.sink.IcebergKafkaFeatureSinks;
import dev.aifactory.features.sink.OnlineSchema;
import dev.aifactory.features.source.FeatureInputs;
import dev.aifactory.features.source.SilverTopicDeserializer;
import dev.aifactory.features.source.SourceRecord;
import dev.aifactory.features.source.SourceWatermarks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.source.IcebergSource;
import org.apache.iceberg.flink.source.assigner.SimpleSplitAssignerFactory;

/**
 * Wires configuration to connectors and runs {@link FeaturesTopology} for one feature view, in
 * one of two modes with the same operator code:
 *
 * <ul>
 *   <li>{@code features.mode=stream}: the silver Kafka topic in, history + online topic out;
 *   <li>{@code features.mode=backfill}: {@code silver.<source>} in Iceberg, read in BATCH mode,
 *       history rows valid from {@code [features.backfill.from, features.backfill.to)} out.
 * </ul>
 *
 * Configuration: bundled {@code features-defaults.properties}, then {@code --config file},
 * then {@code --key value}; {@code flink.*} keys go to Flink.
 */
public final class FeaturesJobMain {

  private FeaturesJobMain() {}

  public static void main(String[] args) throws Exception {
    JobConfig config = JobConfig.load("features-defaults.properties", args);
    FeatureView view = FeatureViews.load(config.get("features.view"));
    StreamExecutionEnvironment env = environment(config);
    define(env, config, view);
    env.execute(jobName(config, view));
  }

  public static String jobName(JobConfig config, FeatureView view) {
    return config.get("features.job-name", "factory-features-" + view.id() + "-" + mode(config));
  }

  public static StreamExecutionEnvironment environment(JobConfig config) {
    Configuration flink = Configuration.fromMap(config.withPrefix("flink."));
    if (isBackfill(config)) {
      flink.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
    }
    return StreamExecutionEnvironment.getExecutionEnvironment(flink);
  }

  /** Adds the view's job, with its real source and sinks, to an environment. */
  public static void define(StreamExecutionEnvironment env, JobConfig config, FeatureView view) throws Exception {
    JobRole.requireReads(config, "features", Map.of("silver", ViewClassification.sourceClasses(view)));
    CatalogLoader catalog = IcebergCatalogs.loader(config);
    FeatureTables.ensureExist(catalog.loadCatalog(), view);
    if (isBackfill(config)) {
      long from = Instant.parse(config.get("features.backfill.from")).toEpochMilli();
      long to = Instant.parse(config.get("features.backfill.to")).toEpochMilli();
      FeaturesTopology.build(silverTable(env, config, view, catalog, from), view, sinks(config, view, catalog, null), from, to);
      RunLineage.flinkJob(config, jobName(config, view), false)
          .reads(LineageDataset.table(silverTableName(config, view))).writes(outputs(view, null)).attachTo(env);
    } else {
      String topic = onlineTopic(config, view);
      ensureCompactedTopic(config, topic);
      registerOnlineSchema(config, view, topic);
      FeaturesTopology.build(silverTopic(env, config, view), view, sinks(config, view, catalog, topic));
      RunLineage.flinkJob(config, jobName(config, view), true)
          .reads(LineageDataset.topic(silverTopicName(config, view))).writes(outputs(view, topic)).attachTo(env);
    }
  }

  /** What a run of the view writes, for its lineage: history, latest and late tables, and the online topic unless null. */
  public static List<LineageDataset> outputs(FeatureView view, String onlineTopic) {
    List<LineageDataset> outputs = new ArrayList<>(List.of(LineageDataset.table(FeatureTables.history(view)),
        LineageDataset.table(FeatureTables.latest(view)), LineageDataset.table(FeatureTables.LATE)));
    if (onlineTopic != null) {
      outputs.add(LineageDataset.topic(onlineTopic));
    }
    return outputs;
  }

  public static String silverTopicName(JobConfig config, FeatureView view) {
    return config.get("features.source.topic", config.get("features.silver.topic-prefix") + view.source());
  }

  static TableIdentifier silverTableName(JobConfig config, FeatureView view) {
    return TableIdentifier.of(config.get("features.silver.namespace", "silver"), view.source());
  }

  /**
   * The history and late tables, and, unless {@code onlineTopic} is null (backfills), the
   * online topic and, with {@code online.store=redis}, the Redis online store too.
   */
  public static FeatureSinks sinks(JobConfig config, FeatureView view, CatalogLoader catalog, String onlineTopic)
      throws java.io.IOException {
    RedisSettings redis = onlineTopic == null ? null : RedisSettings.from(config, java.time.Duration.ofMillis(view.ttlMillis()));
    return new IcebergKafkaFeatureSinks(view, catalog, config.get("kafka.bootstrap.servers"), onlineTopic,
        config.properties("kafka.producer."), redis);
  }

  /** The ingest job's silver topic of the view's source, watermarked per partition. */
  public static DataStream<SourceRecord> silverTopic(StreamExecutionEnvironment env, JobConfig config, FeatureView view) {
    KafkaSourceBuilder<SourceRecord> source = KafkaSource.<SourceRecord>builder()
        .setBootstrapServers(config.get("kafka.bootstrap.servers"))
        .setTopics(silverTopicName(config, view))
        .setGroupId(config.get("features.group-id", "factory-features-" + view.id()))
        .setStartingOffsets(KafkaStartingOffsets.of(config.get("features.starting-offsets", "committed")))
        .setDeserializer(new SilverTopicDeserializer(view))
        .setProperties(config.properties("kafka.consumer."));
    if (config.getBoolean("features.bounded", false)) {
      // Read up to the offsets at start, then finish (tests, demos): the end of input moves
      // event time to the end, so every pending window is emitted.
      source.setBounded(OffsetsInitializer.latest());
    }
    return env.fromSource(source.build(), SourceWatermarks.strategy(config.getDuration("features.watermark.out-of-orderness", java.time.Duration.ofSeconds(30)),
        config.getDuration("features.watermark.idleness", java.time.Duration.ofSeconds(30))), "silver topic").uid("silver-topic-" + view.id());
  }

  /**
   * {@code silver.<source>} in Iceberg from {@code from} less the longest window (so the first
   * rows have full windows), as the same inputs the topic gives.
   */
  public static DataStream<SourceRecord> silverTable(StreamExecutionEnvironment env, JobConfig config, FeatureView view,
      CatalogLoader catalog, long from) {
    TableIdentifier id = silverTableName(config, view);
    var schema = catalog.loadCatalog().loadTable(id).schema();
    long readFrom = from - view.maxWindowMillis() - view.slideMillis();
    IcebergSource<RowData> source = IcebergSource.forRowData()
        .tableLoader(TableLoader.fromCatalog(catalog, id))
        .assignerFactory(new SimpleSplitAssignerFactory())
        .filters(List.of(Expressions.greaterThanOrEqual(view.eventTimeField(), readFrom * 1000)))
        .build();
    RowType rowType = FlinkSchemaUtil.convert(schema);
    FeatureInputs.RowReader reader = new FeatureInputs(view).rowReader(rowType);
    // No watermarks: a backfill runs in BATCH mode, where event time ends at the end of input.
    return env.fromSource(source, WatermarkStrategy.noWatermarks(), "silver table", InternalTypeInfo.of(rowType))
        .uid("silver-table-" + view.id())
        .flatMap((RowData row, org.apache.flink.util.Collector<SourceRecord> out) -> {
          var input = reader.read(row);
          if (input != null && input.eventTime >= readFrom) {
            long arrival = reader.arrivalTime(row);
            // The streaming source's rule (SilverTopicDeserializer): the same events count.
            out.collect(ArrivalTime.arrivedLate(input.eventTime, arrival, view.allowedLatenessMillis())
                ? SourceRecord.unreadable(DroppedEvent.arrivedLate(input.entity, input.eventId, input.eventTime, arrival,
                    view.allowedLatenessMillis()))
                : SourceRecord.of(input));
          }
        })
        .returns(SourceRecord.class)
        .uid("silver-rows-" + view.id()).name("silver rows to inputs");
  }

  public static String onlineTopic(JobConfig config, FeatureView view) {
    return config.get("features.online.topic", config.get("features.online.topic-prefix") + view.entity());
  }

  /**
   * Publishes the view's online schema (the file in {@code schemas/avro/features/}) under
   * {@code <topic>-value} when {@code schema.registry.url} is set, so a consumer can find it
   * there too. Values stay in single-object encoding: the fingerprint in each message names the schema.
   */
  public static void registerOnlineSchema(JobConfig config, FeatureView view, String topic) throws java.io.IOException {
    String registry = config.get("schema.registry.url", "");
    if (!registry.isBlank()) {
      dev.aifactory.schemas.wire.SchemaRegistryClient.shared(registry).register(topic + "-value", OnlineSchema.of(view));
    }
  }

  /** The online topic is compacted: Kafka keeps each entity's newest vector and drops tombstones. */
  public static void ensureCompactedTopic(JobConfig config, String topic) throws Exception {
    KafkaTopics.ensure(config, topic, config.getInt("features.online.partitions", 4),
        (short) config.getInt("features.online.replication-factor", 1), Map.of("cleanup.policy", "compact"));
  }

  private static boolean isBackfill(JobConfig config) {
    return "backfill".equals(mode(config));
  }

  private static String mode(JobConfig config) {
    String mode = config.get("features.mode", "stream");
    if (!mode.equals("stream") && !mode.equals("backfill")) {
      throw new IllegalArgumentException("features.mode must be stream or backfill, not " + mode);
    }
    return mode;
  }

}
