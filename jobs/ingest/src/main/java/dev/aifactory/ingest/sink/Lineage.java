package dev.aifactory.ingest.sink;

import dev.aifactory.ingest.model.Accepted;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.types.Types;

/**
 * The lineage columns rows carry: where a record came from and when. Bronze keeps all of them
 * (source fidelity: the key and the exact writer schema); silver keeps the Kafka coordinates,
 * which lead back to the bronze row, plus the schema version and ingest time that point-in-time
 * reads of silver need.
 *
 * <p>No name may be one Iceberg reserves for its metadata columns ({@code _partition},
 * {@code _file}, {@code _pos}, {@code _spec_id}, {@code _deleted}...): other engines refuse
 * {@code SELECT *} on such a table. Tables written before the Kafka partition column was renamed
 * are migrated in place ({@link IngestTables#ensureExist}).
 */
final class Lineage {

  static final String KAFKA_PARTITION = "_kafka_partition";
  /** The Kafka partition column's name before 2026-12: a name Iceberg reserves. */
  static final String RESERVED_PARTITION = "_partition";

  /** One lineage column and how to read it from a record. */
  record Column(Types.NestedField field, Function<Accepted, Object> value) {}

  static final List<Column> BRONZE = List.of(
      new Column(Types.NestedField.required(1, "_topic", Types.StringType.get(), "Kafka topic the record was read from"),
          a -> StringData.fromString(a.topic)),
      new Column(Types.NestedField.required(2, KAFKA_PARTITION, Types.IntegerType.get(), "Kafka partition"), a -> a.partition),
      new Column(Types.NestedField.required(3, "_offset", Types.LongType.get(), "Kafka offset"), a -> a.offset),
      new Column(Types.NestedField.optional(4, "_kafka_timestamp", Types.TimestampType.withZone(), "Kafka record timestamp"),
          a -> TimestampData.fromEpochMillis(a.kafkaTimestamp)),
      new Column(Types.NestedField.optional(5, "_key", Types.BinaryType.get(), "Kafka key, as sent"), a -> a.key),
      new Column(Types.NestedField.required(6, "_schema_ref", Types.StringType.get(), "How the writer schema was named on the wire"),
          a -> StringData.fromString(a.schemaRef)),
      new Column(Types.NestedField.required(7, "_schema_fingerprint", Types.LongType.get(), "CRC-64-AVRO fingerprint of the writer schema"),
          a -> a.schemaFingerprint),
      new Column(Types.NestedField.required(8, "_schema_version", Types.IntegerType.get(), "Writer schema version, -1 if unknown"),
          a -> a.schemaVersion),
      new Column(Types.NestedField.required(9, "_ingest_time", Types.TimestampType.withZone(), "When the ingest job read it"),
          a -> TimestampData.fromEpochMillis(a.ingestTime)),
      new Column(Types.NestedField.optional(10, "_unmapped_fields", Types.StringType.get(),
          "Writer fields the contract could not map (a rename it has no alias for); silver holds defaults for them, bronze the values"),
          a -> a.unmappedFields == null ? null : StringData.fromString(a.unmappedFields)));

  private static final Set<String> SILVER_NAMES =
      Set.of("_topic", KAFKA_PARTITION, "_offset", "_kafka_timestamp", "_schema_version", "_ingest_time", "_unmapped_fields");

  static final List<Column> SILVER = BRONZE.stream().filter(c -> SILVER_NAMES.contains(c.field().name())).toList();

  static final int FIRST_DATA_ID = 100;

  private Lineage() {}

  static List<Types.NestedField> fields(List<Column> columns) {
    return columns.stream().map(Column::field).toList();
  }
}
