package dev.aifactory.ingest.sink;

import dev.aifactory.ingest.model.Accepted;
import java.util.List;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.types.Types;

/** The lineage columns every bronze and silver row carries: where it came from and when. */
final class Lineage {

  static final List<Types.NestedField> COLUMNS = List.of(
      Types.NestedField.required(1, "_topic", Types.StringType.get(), "Kafka topic the record was read from"),
      Types.NestedField.required(2, "_partition", Types.IntegerType.get(), "Kafka partition"),
      Types.NestedField.required(3, "_offset", Types.LongType.get(), "Kafka offset"),
      Types.NestedField.optional(4, "_kafka_timestamp", Types.TimestampType.withZone(), "Kafka record timestamp"),
      Types.NestedField.optional(5, "_key", Types.BinaryType.get(), "Kafka key, as sent"),
      Types.NestedField.required(6, "_schema_ref", Types.StringType.get(), "How the writer schema was named on the wire"),
      Types.NestedField.required(7, "_schema_fingerprint", Types.LongType.get(), "CRC-64-AVRO fingerprint of the writer schema"),
      Types.NestedField.required(8, "_schema_version", Types.IntegerType.get(), "Writer schema version, -1 if unknown"),
      Types.NestedField.required(9, "_ingest_time", Types.TimestampType.withZone(), "When the ingest job read it"));

  static final int FIRST_DATA_ID = 100;

  private Lineage() {}

  static void fill(Object[] values, Accepted a) {
    values[0] = StringData.fromString(a.topic);
    values[1] = a.partition;
    values[2] = a.offset;
    values[3] = TimestampData.fromEpochMillis(a.kafkaTimestamp);
    values[4] = a.key;
    values[5] = StringData.fromString(a.schemaRef);
    values[6] = a.schemaFingerprint;
    values[7] = a.schemaVersion;
    values[8] = TimestampData.fromEpochMillis(a.ingestTime);
  }
}
