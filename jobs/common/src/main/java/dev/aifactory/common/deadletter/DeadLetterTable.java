package dev.aifactory.common.deadletter;

import dev.aifactory.common.IcebergTables;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The one layout of every dead-letter table: {@code ingest.quarantine}, {@code gold.features_late},
 * {@code gold.scoring_unscored} and {@code gold.cost_rejected} hold the same columns in the same
 * order, each written by its own job (the quarantine keeps raw bytes, so it stays in a restricted
 * zone of its own). Tables an earlier release created in a job's own layout are moved to this
 * one by Iceberg schema changes only (renames, new optional columns, reordering): no data file
 * is rewritten, and old rows read under the new names.
 */
public final class DeadLetterTable {

  public static final Schema SCHEMA = new Schema(
      opt(1, "job", Types.StringType.get(), "ingest, features, scoring or cost"),
      opt(2, "stage", Types.StringType.get(), "Where the job set it aside: decode or quality (ingest), features, usage"),
      Types.NestedField.required(3, "reason", Types.StringType.get(), "Reason code or the violated rule's name"),
      opt(4, "detail", Types.StringType.get(), null),
      opt(5, "subject", Types.StringType.get(), "What it was meant for: the ingest domain, the feature view or the cost resource"),
      opt(6, "subject_version", Types.IntegerType.get(), "The feature view's version"),
      opt(7, "entity", Types.StringType.get(), "The entity key, tokenized after ingest"),
      opt(8, "event_id", Types.StringType.get(), null),
      opt(9, "event_time", Types.TimestampType.withZone(), null),
      opt(10, "watermark", Types.TimestampType.withZone(), "The operator's watermark when it judged the record"),
      opt(11, "topic", Types.StringType.get(), "Kafka coordinates of the original, where the job read one"),
      opt(12, "partition", Types.IntegerType.get(), null),
      opt(13, "offset", Types.LongType.get(), null),
      opt(14, "kafka_timestamp", Types.TimestampType.withZone(), null),
      opt(15, "key", Types.BinaryType.get(), null),
      opt(16, "payload", Types.BinaryType.get(), "The original message bytes, cut at the job's limit (see original_length)"),
      opt(17, "original_length", Types.IntegerType.get(), "Length in bytes of the whole original message"),
      opt(18, "original_sha256", Types.StringType.get(),
          "SHA-256 (hex) of the whole original message: with topic, partition and offset, finds and verifies it in the source"),
      opt(19, "schema_ref", Types.StringType.get(), null),
      Types.NestedField.required(20, "recorded_at", Types.TimestampType.withZone(), "When the job set it aside"));

  /** New tables: by day, and by stage, which operators filter on first. */
  public static final PartitionSpec SPEC = PartitionSpec.builderFor(SCHEMA).day("recorded_at").identity("stage").build();

  /**
   * Columns of the layouts earlier releases wrote, by their name in this one: the quarantine's
   * {@code domain} and {@code quarantined_at}, the dropped events' {@code feature_view},
   * {@code feature_view_version} and {@code dropped_at}, rejected usage's {@code resource_id} and
   * {@code rejected_at}.
   */
  static final Map<String, String> LEGACY_NAMES = Map.of(
      "domain", "subject", "feature_view", "subject", "resource_id", "subject",
      "feature_view_version", "subject_version",
      "quarantined_at", "recorded_at", "dropped_at", "recorded_at", "rejected_at", "recorded_at");

  private DeadLetterTable() {}

  /** Creates the table in this layout, or moves one an earlier release made to it; returns it loaded. */
  public static Table ensure(Catalog catalog, TableIdentifier id) {
    Table table = IcebergTables.createIfMissing(catalog, id, SCHEMA, SPEC);
    if (!inLayout(table.schema())) {
      try {
        migrate(table);
      } catch (CommitFailedException raced) {
        // another job (or another start of this one) moved it at the same moment
        table.refresh();
        if (!inLayout(table.schema())) {
          throw raced;
        }
      }
      table.refresh();
    }
    return table;
  }

  /** Whether {@code schema} has this layout's columns, types and order (field ids may differ). */
  public static boolean inLayout(Schema schema) {
    List<Types.NestedField> have = schema.columns();
    List<Types.NestedField> want = SCHEMA.columns();
    if (have.size() != want.size()) {
      return false;
    }
    for (int i = 0; i < want.size(); i++) {
      Types.NestedField h = have.get(i);
      Types.NestedField w = want.get(i);
      if (!h.name().equals(w.name()) || !h.type().equals(w.type()) || h.isOptional() != w.isOptional()) {
        return false;
      }
    }
    return true;
  }

  private static void migrate(Table table) {
    Schema old = table.schema();
    for (Types.NestedField c : old.columns()) {
      String name = LEGACY_NAMES.getOrDefault(c.name(), c.name());
      Types.NestedField target = SCHEMA.findField(name);
      if (target == null || !target.type().equals(c.type())) {
        throw new IllegalStateException("dead-letter table " + table.name() + " has column " + c.name() + " (" + c.type()
            + "), which the dead-letter layout does not hold: move or drop it by hand, then restart");
      }
    }
    UpdateSchema update = table.updateSchema();
    for (Types.NestedField c : old.columns()) {
      String name = LEGACY_NAMES.getOrDefault(c.name(), c.name());
      if (!name.equals(c.name())) {
        update.renameColumn(c.name(), name);
      }
      if (c.isRequired() && SCHEMA.findField(name).isOptional()) {
        update.makeColumnOptional(c.name());
      }
    }
    for (Types.NestedField c : SCHEMA.columns()) {
      if (old.findField(c.name()) == null && !renamedTo(old, c.name())) {
        update.addColumn(c.name(), c.type(), c.doc());
      }
    }
    update.commit();
    // A move names a column as the schema it starts from has it, so the order is set once the
    // renames and additions are in.
    table.refresh();
    UpdateSchema order = table.updateSchema().moveFirst(SCHEMA.columns().get(0).name());
    for (int i = 1; i < SCHEMA.columns().size(); i++) {
      order.moveAfter(SCHEMA.columns().get(i).name(), SCHEMA.columns().get(i - 1).name());
    }
    order.commit();
  }

  private static boolean renamedTo(Schema old, String name) {
    return old.columns().stream().anyMatch(c -> name.equals(LEGACY_NAMES.get(c.name())));
  }

  /** A dead letter as a row of this layout. */
  public static RowData row(DeadLetter d) {
    return GenericRowData.of(str(d.job), str(d.stage), str(d.reason), str(d.detail), str(d.subject), d.subjectVersion,
        str(d.entity), str(d.eventId), time(d.eventTime), time(d.watermark), str(d.topic), d.partition, d.offset,
        time(d.kafkaTimestamp), d.key, d.payload, d.originalLength, str(d.originalSha256), str(d.schemaRef),
        TimestampData.fromEpochMillis(d.recordedAt));
  }

  private static Types.NestedField opt(int id, String name, Type type, String doc) {
    return Types.NestedField.optional(id, name, type, doc);
  }

  private static StringData str(String s) {
    return s == null ? null : StringData.fromString(s);
  }

  private static TimestampData time(Long millis) {
    return millis == null ? null : TimestampData.fromEpochMillis(millis);
  }
}
