package dev.aifactory.scoring.sink;

import dev.aifactory.common.IcebergTables;
import dev.aifactory.features.consistency.ServedConsistency;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.scoring.model.Prediction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * {@code gold.predictions}, the audit trail of every score: one row per scored event, partitioned
 * by event day. Features are a map by name, so one table serves models of any view.
 */
public final class PredictionTable {

  public static final TableIdentifier PREDICTIONS = TableIdentifier.of("gold", "predictions");
  public static final TableIdentifier UNSCORED = TableIdentifier.of("gold", "scoring_unscored");

  public static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "event_id", Types.StringType.get()),
      Types.NestedField.required(2, "entity_id", Types.StringType.get()),
      Types.NestedField.required(3, "event_time", Types.TimestampType.withZone()),
      Types.NestedField.optional(4, "feature_valid_from", Types.TimestampType.withZone(), "valid_from of the feature row used; null if none"),
      Types.NestedField.required(5, "features", Types.MapType.ofOptional(17, 18, Types.StringType.get(), Types.DoubleType.get()),
          "The values the model read, by feature name; null where missing"),
      Types.NestedField.optional(6, "score", Types.DoubleType.get(), "Null for a fallback decision"),
      Types.NestedField.required(7, "decision", Types.StringType.get()),
      Types.NestedField.required(8, "model_name", Types.StringType.get()),
      Types.NestedField.optional(9, "model_version", Types.IntegerType.get(), "Null for a fallback decision"),
      Types.NestedField.optional(10, "model_sha256", Types.StringType.get(), "Null for a fallback decision"),
      Types.NestedField.optional(11, "challenger_version", Types.IntegerType.get()),
      Types.NestedField.optional(12, "challenger_score", Types.DoubleType.get(), "Shadow score; never decides"),
      Types.NestedField.required(13, "batch_size", Types.IntegerType.get()),
      Types.NestedField.required(14, "latency_us", Types.LongType.get(), "Time in the scoring operator"),
      Types.NestedField.required(15, "inference_us", Types.LongType.get(), "The batch's ONNX Runtime call"),
      Types.NestedField.required(16, "provider", Types.StringType.get()),
      Types.NestedField.required(19, "scored_at", Types.TimestampType.withZone()),
      Types.NestedField.optional(20, "tier", Types.StringType.get(), "stream (the scoring job) or sync (the serving API)"),
      Types.NestedField.optional(21, "tenant", Types.StringType.get(), "The serving API's tenant; null for stream"),
      Types.NestedField.optional(22, "fallback_reason", Types.StringType.get(),
          "Why the serving API's declared fallback decided instead of the model"));

  private PredictionTable() {}

  /**
   * Creates the table, or upgrades one made before the serving tier: its rows gain the tier,
   * the tenant and a fallback reason (appended, so positions match {@link #SCHEMA}), and a
   * fallback row has no score or model. Rows written before read as the streaming tier's.
   */
  public static Table ensureExists(Catalog catalog) {
    Table table = IcebergTables.createIfMissing(catalog, PREDICTIONS, SCHEMA, PartitionSpec.builderFor(SCHEMA).day("event_time").build());
    if (table.schema().findField("tier") == null) {
      table.updateSchema()
          .makeColumnOptional("score").makeColumnOptional("model_version").makeColumnOptional("model_sha256")
          .addColumn("tier", Types.StringType.get(), SCHEMA.findField("tier").doc())
          .addColumn("tenant", Types.StringType.get(), SCHEMA.findField("tenant").doc())
          .addColumn("fallback_reason", Types.StringType.get(), SCHEMA.findField("fallback_reason").doc())
          .commit();
    }
    return table;
  }

  /**
   * The vector each prediction was served with, in the view's feature order (NaN where missing):
   * the served side of {@code factory consistency --served} and of training sets from served vectors.
   */
  public static List<ServedConsistency.Served> served(Table predictions, FeatureView view) {
    List<String> names = view.features().stream().map(f -> f.name()).toList();
    List<ServedConsistency.Served> out = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(predictions).build()) {
      for (Record r : rows) {
        if (r.getField("fallback_reason") != null) {
          continue; // decided without features or a model: nothing was served to compare
        }
        Map<?, ?> features = (Map<?, ?>) r.getField("features");
        Map<String, Object> byName = new HashMap<>();
        features.forEach((k, v) -> byName.put(k.toString(), v));
        double[] values = new double[names.size()];
        for (int i = 0; i < values.length; i++) {
          Object v = byName.get(names.get(i));
          values[i] = v == null ? Double.NaN : ((Number) v).doubleValue();
        }
        out.add(new ServedConsistency.Served((String) r.getField("event_id"), (String) r.getField("entity_id"),
            ((OffsetDateTime) r.getField("event_time")).toInstant().toEpochMilli(), values));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Predictions as rows of {@link #SCHEMA}. */
  public static final class Rows implements MapFunction<Prediction, RowData> {
    private final List<String> featureNames;
    private transient StringData[] names;

    public Rows(List<String> featureNames) {
      this.featureNames = List.copyOf(featureNames);
    }

    @Override
    public RowData map(Prediction p) {
      if (names == null) {
        names = featureNames.stream().map(StringData::fromString).toArray(StringData[]::new);
      }
      Map<Object, Object> features = new HashMap<>(names.length * 2);
      for (int i = 0; i < names.length; i++) {
        features.put(names[i], Double.isNaN(p.features[i]) ? null : p.features[i]);
      }
      GenericRowData row = new GenericRowData(20);
      row.setField(0, StringData.fromString(p.eventId));
      row.setField(1, StringData.fromString(p.entity));
      row.setField(2, TimestampData.fromEpochMillis(p.eventTime));
      row.setField(3, p.featureValidFrom < 0 ? null : TimestampData.fromEpochMillis(p.featureValidFrom));
      row.setField(4, new GenericMapData(features));
      row.setField(5, Double.isNaN(p.score) ? null : p.score);
      row.setField(6, StringData.fromString(p.decision.name()));
      row.setField(7, StringData.fromString(p.modelName));
      row.setField(8, p.modelVersion < 0 ? null : p.modelVersion);
      row.setField(9, p.modelSha256 == null ? null : StringData.fromString(p.modelSha256));
      row.setField(10, p.challengerVersion < 0 ? null : p.challengerVersion);
      row.setField(11, p.challengerVersion < 0 ? null : p.challengerScore);
      row.setField(12, p.batchSize);
      row.setField(13, p.latencyMicros);
      row.setField(14, p.inferenceMicros);
      row.setField(15, StringData.fromString(p.provider));
      row.setField(16, TimestampData.fromEpochMillis(p.scoredAt));
      row.setField(17, StringData.fromString(p.tier));
      row.setField(18, p.tenant == null ? null : StringData.fromString(p.tenant));
      row.setField(19, p.fallbackReason == null ? null : StringData.fromString(p.fallbackReason));
      return row;
    }
  }
}
