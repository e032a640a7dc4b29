package dev.aifactory.cost;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.lineage.LineageDataset;
import dev.aifactory.common.lineage.RunLineage;
import dev.aifactory.common.KafkaStartingOffsets;
import dev.aifactory.common.policy.JobRole;
import dev.aifactory.cost.model.UsageRecord;
import dev.aifactory.cost.prices.PriceBook;
import dev.aifactory.cost.prices.PriceTable;
import dev.aifactory.cost.sink.CostTables;
import dev.aifactory.cost.sink.IcebergKafkaCostSinks;
import dev.aifactory.cost.source.PriceTopicDeserializer;
import dev.aifactory.cost.source.UsageTopicDeserializer;
import dev.aifactory.cost.source.UsageWatermarks;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The cost job: usage samples and metering from the usage topic, prices from configuration and
 * the prices topic, into the gold cost tables and the alerts topic. {@code main} only wires
 * configuration to connectors; the topology is {@link CostTopology}.
 */
public final class CostJobMain {

  private CostJobMain() {}

  public static void main(String[] args) throws Exception {
    JobConfig config = JobConfig.load("cost-defaults.properties", args);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Configuration.fromMap(config.withPrefix("flink.")));
    define(env, config);
    env.execute(jobName(config));
  }

  public static String jobName(JobConfig config) {
    return config.get("cost.job-name", "factory-cost");
  }

  public static void define(StreamExecutionEnvironment env, JobConfig config) {
    JobRole.requireReads(config, "cost", Map.of("telemetry", java.util.Set.of()));
    CostSettings settings = CostSettings.from(config);
    String priceTable = config.get("cost.prices.table", "");
    if (!priceTable.isBlank()) {
      var catalog = IcebergCatalogs.loader(config).loadCatalog();
      settings = settings.withPrices(settings.prices().with(
          PriceTable.read(catalog.loadTable(org.apache.iceberg.catalog.TableIdentifier.parse(priceTable)))));
    }
    CostTopology.build(usage(env, config), prices(env, config), settings,
        new IcebergKafkaCostSinks(IcebergCatalogs.loader(config), config.get("kafka.bootstrap.servers"), config.get("cost.alerts.topic"),
            config.properties("kafka.producer.")));
    RunLineage lineage = RunLineage.flinkJob(config, jobName(config), !config.getBoolean("cost.bounded", false))
        .reads(LineageDataset.topic(config.get("cost.usage.topic")), LineageDataset.topic(config.get("cost.prices.topic")))
        .writes(LineageDataset.table(CostTables.UTILIZATION), LineageDataset.table(CostTables.UNIT_ECONOMICS),
            LineageDataset.table(CostTables.FOCUS), LineageDataset.table(CostTables.REJECTED), LineageDataset.topic(config.get("cost.alerts.topic")));
    if (!priceTable.isBlank()) {
      lineage.reads(LineageDataset.table(priceTable));
    }
    lineage.attachTo(env);
  }

  static DataStream<UsageRecord> usage(StreamExecutionEnvironment env, JobConfig config) {
    KafkaSourceBuilder<UsageRecord> source = KafkaSource.<UsageRecord>builder()
        .setBootstrapServers(config.get("kafka.bootstrap.servers"))
        .setTopics(config.get("cost.usage.topic"))
        .setGroupId(config.get("cost.group-id"))
        .setStartingOffsets(KafkaStartingOffsets.of(config.get("cost.starting-offsets", "committed")))
        .setDeserializer(new UsageTopicDeserializer())
        .setProperties(config.properties("kafka.consumer."));
    if (config.getBoolean("cost.bounded", false)) {
      source.setBounded(OffsetsInitializer.latest());
    }
    WatermarkStrategy<UsageRecord> watermarks = UsageWatermarks.strategy(
        config.getDuration("cost.watermark.out-of-orderness", Duration.ofSeconds(30)),
        config.getDuration("cost.watermark.idleness", Duration.ofSeconds(30)));
    return env.fromSource(source.build(), watermarks, "usage topic").uid("usage-topic");
  }

  /** Price changes; bounded with the usage topic, so a bounded run ends. */
  static DataStream<PriceBook.Entry> prices(StreamExecutionEnvironment env, JobConfig config) {
    KafkaSourceBuilder<PriceBook.Entry> source = KafkaSource.<PriceBook.Entry>builder()
        .setBootstrapServers(config.get("kafka.bootstrap.servers"))
        .setTopics(config.get("cost.prices.topic"))
        .setGroupId(config.get("cost.group-id") + "-prices")
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(new PriceTopicDeserializer())
        .setProperties(config.properties("kafka.consumer."));
    if (config.getBoolean("cost.bounded", false)) {
      source.setBounded(OffsetsInitializer.latest());
    }
    return env.fromSource(source.build(), neverHoldsBackEventTime(), "prices topic").uid("prices-topic");
  }

  /**
   * Prices carry their own effective time; their stream must not hold back the windows' event
   * time (a broadcast input without watermarks would stop it), so it always says "no later price
   * will change the past".
   */
  public static WatermarkStrategy<PriceBook.Entry> neverHoldsBackEventTime() {
    return WatermarkStrategy.<PriceBook.Entry>forGenerator(context -> new WatermarkGenerator<>() {
      @Override
      public void onEvent(PriceBook.Entry event, long timestamp, WatermarkOutput output) {
      }

      @Override
      public void onPeriodicEmit(WatermarkOutput output) {
        output.emitWatermark(new Watermark(Long.MAX_VALUE));
      }
    }).withTimestampAssigner((price, kafkaTime) -> Math.max(price.effectiveFrom(), 0));
  }

}
