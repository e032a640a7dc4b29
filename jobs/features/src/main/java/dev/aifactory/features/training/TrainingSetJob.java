package dev.aifactory.features.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.lineage.LineageDataset;
import dev.aifactory.common.lineage.RunLineage;
import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.sink.FeatureTables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkCatalog;
import org.apache.iceberg.types.Types;

/**
 * Builds a point-in-time correct training set as a Flink batch SQL job over Iceberg:
 *
 * <ul>
 *   <li>each event of {@code silver.<source>} in the range gets the newest feature row of its
 *       entity with {@code valid_from <= event_time}: its own row (valid from its time, computed
 *       for it) where the history has one, else the newest before it; with {@code asOfIngestion}
 *       also {@code emitted_at <= _ingest_time}. No row holds anything after its time;
 *   <li>an entity expired at that time (a tombstone) or never seen has no feature values;
 *   <li>the label is fraud if any label says so, and {@code labelled} says whether any label
 *       was known at all.
 * </ul>
 *
 * Inputs are read at pinned snapshots, recorded with the view's version and hash in the output
 * table's properties, so a training set can be traced and rebuilt from exactly what it read.
 */
public final class TrainingSetJob {

  public static final String PROPERTY_PREFIX = "training.";

  private TrainingSetJob() {}

  /** Runs the job and returns the output table. Fails if {@code gold.training_<name>} exists. */
  public static TableIdentifier run(JobConfig config, TrainingSetRequest request) throws Exception {
    FeatureView view = request.view();
    CatalogLoader loader = IcebergCatalogs.loader(config);
    Catalog catalog = loader.loadCatalog();
    TableIdentifier events = TableIdentifier.of("silver", view.source());
    TableIdentifier labels = TableIdentifier.parse(config.get("training.labels.table", "silver.labels"));
    TableIdentifier history = FeatureTables.history(view);
    TableIdentifier output = TableIdentifier.of("gold", "training_" + request.name());
    if (catalog.tableExists(output)) {
      throw new IllegalStateException(output + " exists: a training set is a record, give the new one another name");
    }
    List<TableIdentifier> inputs = request.served() == null ? List.of(events, labels, history) : List.of(request.served(), labels);
    Map<String, Long> snapshots = new LinkedHashMap<>();
    for (TableIdentifier input : inputs) {
      Snapshot current = catalog.loadTable(input).currentSnapshot();
      if (current == null) {
        throw new IllegalStateException(input + " has no data yet");
      }
      snapshots.put(input.toString(), current.snapshotId());
    }

    Schema historySchema = catalog.loadTable(history).schema();
    Table out = catalog.createTable(output, outputSchema(view, historySchema));

    Configuration flink = Configuration.fromMap(config.withPrefix("flink."));
    flink.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    // START when the SQL job is submitted; a table job's end is not reported to listeners, so
    // COMPLETE (or FAIL) is sent here once it has ended.
    RunLineage lineage = RunLineage.flinkJob(config, "factory-training-set " + output, false)
        .reads(inputs.stream().map(LineageDataset::table).toList()).writes(LineageDataset.table(output));
    lineage.attachTo(env);
    StreamTableEnvironment tables = StreamTableEnvironment.create(env);
    tables.registerCatalog("ice", new FlinkCatalog("ice", "default", Namespace.empty(), loader, Map.of(), false, -1));
    try {
      tables.executeSql(request.served() == null
          ? sql(request, events, labels, history, output, snapshots)
          : servedSql(request, labels, output, snapshots, historySchema,
              catalog.loadTable(request.served()).schema().findField("fallback_reason") != null)).await();
    } catch (Exception e) {
      lineage.failed(e);
      throw e;
    }

    out.refresh();
    out.updateProperties()
        .set(PROPERTY_PREFIX + "feature-view", view.name())
        .set(PROPERTY_PREFIX + "feature-view-version", String.valueOf(view.version()))
        .set(PROPERTY_PREFIX + "feature-view-sha256", view.definitionSha256())
        .set(PROPERTY_PREFIX + "input-snapshots", json(snapshots))
        .set(PROPERTY_PREFIX + "range", request.from() + "/" + request.to())
        .set(PROPERTY_PREFIX + "as-of-ingestion", String.valueOf(request.asOfIngestion()))
        .set(PROPERTY_PREFIX + "vectors", request.served() == null ? "offline" : "served:" + request.served())
        .set(PROPERTY_PREFIX + "created-at", Instant.now().toString())
        .commit();
    lineage.completed();
    return output;
  }

  static Schema outputSchema(FeatureView view, Schema history) {
    List<Types.NestedField> fields = new ArrayList<>(List.of(
        Types.NestedField.required(1, view.eventIdField(), Types.StringType.get()),
        Types.NestedField.required(2, view.entity(), Types.StringType.get()),
        Types.NestedField.required(3, view.eventTimeField(), Types.TimestampType.withZone()),
        Types.NestedField.required(4, "is_fraud", Types.BooleanType.get(), "The label; false when no label says fraud"),
        Types.NestedField.required(5, "labelled", Types.BooleanType.get(), "Whether any label was known"),
        Types.NestedField.optional(6, "feature_valid_from", Types.TimestampType.withZone(),
            "valid_from of the feature row used; null when the entity had none")));
    int id = 100;
    for (FeatureDef f : view.features()) {
      fields.add(Types.NestedField.optional(id++, f.name(), history.findField(f.name()).type()));
    }
    return new Schema(fields);
  }

  static String sql(TrainingSetRequest r, TableIdentifier events, TableIdentifier labels, TableIdentifier history,
      TableIdentifier output, Map<String, Long> snapshots) {
    FeatureView view = r.view();
    String features = view.features().stream().map(f -> q(f.name())).collect(Collectors.joining(", "));
    String featuresOrNull = view.features().stream()
        .map(f -> "CASE WHEN j.tombstone THEN NULL ELSE j." + q(f.name()) + " END")
        .collect(Collectors.joining(", "));
    String ingestion = r.asOfIngestion() ? " AND h.emitted_at <= e._ingest_time" : "";
    return "INSERT INTO " + name(output) + "\n"
        + "WITH e AS (\n"
        + "  SELECT " + q(view.eventIdField()) + " AS event_id, " + q(view.entity()) + " AS entity, "
        + q(view.eventTimeField()) + " AS event_time, _ingest_time\n"
        + "  FROM " + name(events) + hint(events, snapshots) + "\n"
        + "  WHERE " + q(view.eventTimeField()) + " >= TO_TIMESTAMP_LTZ(" + r.from().toEpochMilli() + ", 3)"
        + " AND " + q(view.eventTimeField()) + " < TO_TIMESTAMP_LTZ(" + r.to().toEpochMilli() + ", 3)"
        + " AND " + q(view.entity()) + " IS NOT NULL),\n"
        + "h AS (\n"
        + "  SELECT entity, valid_from, emitted_at, tombstone, event_id, " + features + "\n"
        + "  FROM " + name(history) + hint(history, snapshots) + "\n"
        + "  WHERE feature_view = '" + view.name() + "' AND feature_view_version = " + view.version() + "),\n"
        + "j AS (\n"
        + "  SELECT e.event_id, e.entity, e.event_time, h.valid_from, h.tombstone, " + prefixed("h.", view) + ",\n"
        + "    ROW_NUMBER() OVER (PARTITION BY e.event_id ORDER BY h.valid_from DESC NULLS LAST,\n"
        + "      CASE WHEN h.event_id = e.event_id THEN 0 ELSE 1 END, h.emitted_at DESC NULLS LAST) AS rn\n"
        + "  FROM e LEFT JOIN h ON h.entity = e.entity AND h.valid_from <= e.event_time" + ingestion + "),\n"
        + "l AS (\n"
        + "  SELECT transaction_id, MAX(CAST(is_fraud AS INT)) AS fraud\n"
        + "  FROM " + name(labels) + hint(labels, snapshots) + "\n"
        + "  GROUP BY transaction_id)\n"
        + "SELECT j.event_id, j.entity, j.event_time, COALESCE(l.fraud, 0) = 1, l.fraud IS NOT NULL,\n"
        + "  CASE WHEN j.tombstone THEN NULL ELSE j.valid_from END, " + featuresOrNull + "\n"
        + "FROM j LEFT JOIN l ON l.transaction_id = j.event_id\n"
        + "WHERE j.rn = 1";
  }

  /**
   * A training set of the vectors actually served: each prediction of {@code served} in the
   * range (the first, if an event was scored again after a restart), its features taken from the
   * audit's map by name, joined with its labels. What the model saw, byte for byte. Decisions the
   * serving API took by its fallback (no features, no model) are left out, when the audit table
   * records them ({@code hasFallbacks}).
   */
  static String servedSql(TrainingSetRequest r, TableIdentifier labels, TableIdentifier output, Map<String, Long> snapshots,
      Schema historySchema, boolean hasFallbacks) {
    FeatureView view = r.view();
    String features = view.features().stream()
        .map(f -> "CAST(p.features['" + f.name().replace("'", "''") + "'] AS "
            + (historySchema.findField(f.name()).type().equals(Types.LongType.get()) ? "BIGINT" : "DOUBLE") + ")")
        .collect(Collectors.joining(", "));
    return "INSERT INTO " + name(output) + "\n"
        + "WITH p AS (\n"
        + "  SELECT event_id, entity_id, event_time, feature_valid_from, features,\n"
        + "    ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY scored_at) AS rn\n"
        + "  FROM " + name(r.served()) + hint(r.served(), snapshots) + "\n"
        + "  WHERE event_time >= TO_TIMESTAMP_LTZ(" + r.from().toEpochMilli() + ", 3)"
        + " AND event_time < TO_TIMESTAMP_LTZ(" + r.to().toEpochMilli() + ", 3)"
        + (hasFallbacks ? " AND fallback_reason IS NULL" : "") + "),\n"
        + "l AS (\n"
        + "  SELECT transaction_id, MAX(CAST(is_fraud AS INT)) AS fraud\n"
        + "  FROM " + name(labels) + hint(labels, snapshots) + "\n"
        + "  GROUP BY transaction_id)\n"
        + "SELECT p.event_id, p.entity_id, p.event_time, COALESCE(l.fraud, 0) = 1, l.fraud IS NOT NULL,\n"
        + "  p.feature_valid_from, " + features + "\n"
        + "FROM p LEFT JOIN l ON l.transaction_id = p.event_id\n"
        + "WHERE p.rn = 1";
  }

  private static String prefixed(String prefix, FeatureView view) {
    return view.features().stream().map(f -> prefix + q(f.name())).collect(Collectors.joining(", "));
  }

  /** Reads the table at the snapshot recorded for it. */
  private static String hint(TableIdentifier table, Map<String, Long> snapshots) {
    return " /*+ OPTIONS('snapshot-id'='" + snapshots.get(table.toString()) + "') */";
  }

  private static String name(TableIdentifier id) {
    return "ice." + q(id.namespace().toString()) + "." + q(id.name());
  }

  private static String q(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  private static String json(Map<String, Long> snapshots) {
    try {
      return new ObjectMapper().writeValueAsString(snapshots);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
