package dev.aifactory.features.sink;

import dev.aifactory.common.IcebergTables;
import dev.aifactory.common.deadletter.DeadLetterTable;
import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/**
 * The gold tables of the features job: {@code gold.features_<entity>_history} per entity (one
 * row per emitted feature vector), {@code gold.features_<entity>_latest} (each entity's newest
 * vector per view version, upserted) and {@code gold.features_late} for events that changed no
 * feature. Created before the job starts; a history table evolves (new columns) when a new view
 * version adds features, and refuses a changed definition under a version it already holds.
 */
public final class FeatureTables {

  public static final TableIdentifier LATE = TableIdentifier.of("gold", "features_late");

  private FeatureTables() {}

  public static TableIdentifier history(FeatureView view) {
    return TableIdentifier.of("gold", "features_" + view.entity() + "_history");
  }

  /**
   * Each entity's newest vector, one row per (entity, view, version): what the online store
   * holds, in Iceberg, so SQL reads a small table instead of ranking the whole history.
   */
  public static TableIdentifier latest(FeatureView view) {
    return TableIdentifier.of("gold", "features_" + view.entity() + "_latest");
  }

  /** The history table's columns for a view: keys and times, then one column per feature. */
  public static Schema historySchema(FeatureView view) {
    return new Schema(columns(view));
  }

  /**
   * The latest table's columns: the history's without {@code tombstone} (an expired entity's row
   * is deleted), plus {@code entity_ref}, the SHA-256 of the entity, which SQL views show
   * instead of the entity and filter on, so the filter reaches the Iceberg scan. The
   * identifier (upsert key) is entity, view and version: two versions are served side by side.
   */
  public static Schema latestSchema(FeatureView view) {
    List<Types.NestedField> fields = new ArrayList<>(columns(view));
    fields.removeIf(f -> f.name().equals("tombstone"));
    fields.add(3, Types.NestedField.required(9, "entity_ref", Types.StringType.get(),
        "SHA-256 (hex) of the " + view.entity() + ": a stable pseudonym to filter on"));
    return new Schema(fields, Set.of(1, 2, 3));
  }

  /** Keys of the latest table's upserts: its identifier fields. */
  public static List<String> latestKey() {
    return List.of("entity", "feature_view", "feature_view_version");
  }

  private static List<Types.NestedField> columns(FeatureView view) {
    List<Types.NestedField> fields = new ArrayList<>(List.of(
        Types.NestedField.required(1, "entity", Types.StringType.get(), "The " + view.entity() + " the features describe"),
        Types.NestedField.required(2, "feature_view", Types.StringType.get()),
        Types.NestedField.required(3, "feature_view_version", Types.IntegerType.get()),
        Types.NestedField.required(4, "valid_from", Types.TimestampType.withZone(),
            "Event time from which these values hold (until the entity's next row)"),
        Types.NestedField.required(5, "emitted_at", Types.TimestampType.withZone(),
            "When the job produced the row; a late correction repeats valid_from with a later emitted_at"),
        Types.NestedField.required(6, "tombstone", Types.BooleanType.get(), "The entity expired: no values"),
        Types.NestedField.optional(7, "event_id", Types.StringType.get(),
            "The event this row was computed for, as it arrived (EVENT rows); null otherwise"),
        Types.NestedField.optional(8, "row_kind", Types.StringType.get(),
            "EVENT (served with that event), DECAY (a window emptied, or the TTL: tombstone) or CORRECTION"
                + " (the newest row again, after an event arrived behind newer ones)")));
    int id = 100;
    for (FeatureDef f : view.features()) {
      fields.add(Types.NestedField.optional(id++, f.name(),
          f.aggregation().integral() ? Types.LongType.get() : Types.DoubleType.get(),
          f.aggregation().name().toLowerCase() + (f.field() == null ? "" : " of " + f.field()) + " over "
              + f.windowMillis() / 1000 + " s"));
    }
    return fields;
  }

  /**
   * Creates the view's tables if missing, adds columns its version brings, and records the
   * definition's hash; fails if this version was recorded with another definition.
   */
  public static void ensureExist(Catalog catalog, FeatureView view) {
    TableIdentifier id = history(view);
    Schema schema = historySchema(view);
    Table table = create(catalog, id, schema, PartitionSpec.builderFor(schema).day("valid_from").build());
    String key = "feature-view." + view.name() + ".v" + view.version() + ".sha256";
    String recorded = table.properties().get(key);
    if (recorded != null && !recorded.equals(view.definitionSha256())) {
      throw new IllegalStateException("feature view " + view.name() + " version " + view.version()
          + " was materialized with another definition (sha256 " + recorded + ", now " + view.definitionSha256()
          + "): give the changed definition a new version");
    }
    table.updateSchema().unionByNameWith(schema).commit();
    if (recorded == null) {
      table.updateProperties().set(key, view.definitionSha256()).commit();
    }
    ensureLatestTable(catalog, view);
    ensureDroppedTable(catalog, LATE);
  }

  /**
   * The latest table: format v2 (row-level deletes, which upserts write), unpartitioned (it
   * holds one row per entity), and old metadata files removed as commits add new ones.
   */
  static Table ensureLatestTable(Catalog catalog, FeatureView view) {
    Schema schema = latestSchema(view);
    Table table = IcebergTables.createIfMissing(catalog, latest(view), schema, PartitionSpec.unpartitioned(), Map.of(
        "format-version", "2",
        "write.metadata.delete-after-commit.enabled", "true",
        "write.metadata.previous-versions-max", "50"));
    table.updateSchema().unionByNameWith(schema).commit();
    return table;
  }

  /** Creates a table of dropped events in the dead-letter layout, or moves an older one to it. */
  public static Table ensureDroppedTable(Catalog catalog, TableIdentifier id) {
    return DeadLetterTable.ensure(catalog, id);
  }

  private static Table create(Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec) {
    return IcebergTables.createIfMissing(catalog, id, schema, spec);
  }
}
