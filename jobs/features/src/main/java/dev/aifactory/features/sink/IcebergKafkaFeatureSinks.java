package dev.aifactory.features.sink;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.common.deadletter.DeadLetterTable;
import dev.aifactory.common.kafka.KafkaSinks;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.DroppedEvent;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.online.RedisSettings;
import java.util.Properties;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.IcebergSink;

/**
 * Production sinks: the history and late tables in Iceberg (fixed schemas known when the job
 * starts, so the plain Iceberg sink, committed on checkpoints, exactly once); the online topic
 * on Kafka, the latest table in Iceberg, and the Redis online store when configured.
 * {@code onlineTopic} null leaves the online stores out (backfills: their rows are not the
 * newest).
 */
public final class IcebergKafkaFeatureSinks implements FeatureSinks {

  private final FeatureView view;
  private final CatalogLoader catalog;
  private final String kafkaBootstrap;
  private final String onlineTopic;
  private final Properties producerProperties;
  private final RedisSettings redis;

  /** {@code redis} null: the online topic is the only online store (the serving API materializes it). */
  public IcebergKafkaFeatureSinks(FeatureView view, CatalogLoader catalog, String kafkaBootstrap, String onlineTopic,
      Properties producerProperties, RedisSettings redis) {
    this.view = view;
    this.catalog = catalog;
    this.kafkaBootstrap = kafkaBootstrap;
    this.onlineTopic = onlineTopic;
    this.producerProperties = producerProperties;
    this.redis = redis;
  }

  @Override
  public void history(DataStream<FeatureRow> rows) {
    TableIdentifier id = FeatureTables.history(view);
    Schema schema = catalog.loadCatalog().loadTable(id).schema();
    // Its own thread: encoding Parquet for every row (a fifth of the keyed operator's time when
    // chained to it) and closing files at each checkpoint would otherwise hold up the features
    // and the scores that wait on them.
    iceberg(rows, new HistoryRows(view, schema), id, schema, "history").startNewChain();
  }

  @Override
  public void online(DataStream<FeatureRow> rows) {
    if (onlineTopic == null) {
      return;
    }
    // At least once by design: the online topic is compacted and keyed by entity, so a
    // redelivered row rewrites the same value.
    rows.sinkTo(KafkaSinks.sink(new KafkaSinks.Target(kafkaBootstrap, producerProperties, DeliveryGuarantee.AT_LEAST_ONCE,
            KafkaSinks.DEFAULT_DEPLOYMENT, "features-" + view.id()), "online", new OnlineTopicSerializer(view, onlineTopic)))
        .uid("online-topic-" + view.id()).name("online topic " + onlineTopic);
    if (redis != null) {
      rows.sinkTo(new RedisOnlineSink(view, redis)).uid("online-redis-" + view.id()).name("online store (Redis)");
    }
    LatestTableSink.write(rows, view, catalog);
  }

  @Override
  public void dropped(DataStream<DeadLetter> events) {
    iceberg(events, new DroppedRows(DroppedEvent.JOB, view), FeatureTables.LATE, DeadLetterTable.SCHEMA, "late");
  }

  /** Rows to the table, through the returned mapping operator. */
  private <T> SingleOutputStreamOperator<RowData> iceberg(DataStream<T> input, MapFunction<T, RowData> toRow, TableIdentifier id,
      Schema schema, String name) {
    SingleOutputStreamOperator<RowData> rows = input.map(toRow)
        .returns(InternalTypeInfo.of(FlinkSchemaUtil.convert(schema)))
        .uid(name + "-rows-" + view.id()).name(name + " rows");
    IcebergSink.forRowData(rows)
        .tableLoader(TableLoader.fromCatalog(catalog, id))
        .uidSuffix(name + "-" + view.id())
        .append();
    return rows;
  }
}
