package dev.aifactory.scoring.sink;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.common.deadletter.DeadLetterTable;
import dev.aifactory.common.kafka.KafkaSinks;

import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.sink.DroppedRows;
import dev.aifactory.features.sink.FeatureTables;
import dev.aifactory.scoring.model.BatchUsage;
import dev.aifactory.scoring.model.Prediction;
import dev.aifactory.scoring.review.ReviewCaseSerializer;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.IcebergSink;

/**
 * Production sinks: scores and usage on Kafka, the audit trail and unscorable records in Iceberg
 * (committed on checkpoints, exactly once).
 */
public final class KafkaIcebergScoringSinks implements ScoringSinks {

  /** Kafka side of the sinks: scores and usage share the job's delivery guarantee, each its own transactional ids. */
  public record Topics(KafkaSinks.Target kafka, String scores, String usage, UsageSerializer usageSerializer,
      ReviewCaseSerializer reviewSerializer) {}

  private final FeatureView view;
  private final CatalogLoader catalog;
  private final Topics topics;

  public KafkaIcebergScoringSinks(FeatureView view, CatalogLoader catalog, Topics topics) {
    this.view = view;
    this.catalog = catalog;
    this.topics = topics;
    PredictionTable.ensureExists(catalog.loadCatalog());
    FeatureTables.ensureDroppedTable(catalog.loadCatalog(), PredictionTable.UNSCORED);
  }

  @Override
  public void scores(DataStream<Prediction> predictions) {
    predictions.sinkTo(kafka("scores", new ScoreSerializer(topics.scores()))).uid("scores-topic").name("scores topic " + topics.scores());
  }

  @Override
  public void audit(DataStream<Prediction> predictions) {
    iceberg(predictions, new PredictionTable.Rows(view.features().stream().map(FeatureDef::name).toList()),
        PredictionTable.PREDICTIONS, PredictionTable.SCHEMA, "predictions");
  }

  @Override
  public void review(DataStream<Prediction> reviews) {
    reviews.sinkTo(kafka("review", topics.reviewSerializer())).uid("review-topic").name("review topic");
  }

  @Override
  public void usage(DataStream<BatchUsage> usage) {
    usage.sinkTo(kafka("usage", topics.usageSerializer())).uid("usage-topic").name("usage topic " + topics.usage());
  }

  @Override
  public void unscored(DataStream<DeadLetter> events) {
    iceberg(events, new DroppedRows("scoring", view), PredictionTable.UNSCORED, DeadLetterTable.SCHEMA, "unscored");
  }

  private <T> KafkaSink<T> kafka(String sink, KafkaRecordSerializationSchema<T> serializer) {
    return KafkaSinks.sink(topics.kafka(), sink, serializer);
  }

  private <T> void iceberg(DataStream<T> input, MapFunction<T, RowData> toRow, TableIdentifier id, Schema schema, String name) {
    DataStream<RowData> rows = input.map(toRow)
        .returns(InternalTypeInfo.of(FlinkSchemaUtil.convert(schema)))
        .uid(name + "-rows").name(name + " rows");
    IcebergSink.forRowData(rows)
        .tableLoader(TableLoader.fromCatalog(catalog, id))
        .uidSuffix(name)
        .append();
  }
}
