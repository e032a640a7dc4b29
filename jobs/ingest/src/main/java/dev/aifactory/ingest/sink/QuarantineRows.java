package dev.aifactory.ingest.sink;

import dev.aifactory.ingest.model.Quarantined;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.util.Collector;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecord;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecordGenerator;
import org.apache.iceberg.types.Types;

/** Rows of {@code ingest.quarantine}: the reason, the original bytes and where they came from. */
public final class QuarantineRows implements DynamicRecordGenerator<Quarantined> {

  static final Schema SCHEMA = new Schema(
      Types.NestedField.optional(1, "domain", Types.StringType.get()),
      Types.NestedField.required(2, "stage", Types.StringType.get(), "decode (not in bronze) or quality (also in bronze)"),
      Types.NestedField.required(3, "reason", Types.StringType.get(), "Reason code or the violated rule's name"),
      Types.NestedField.optional(4, "detail", Types.StringType.get()),
      Types.NestedField.required(5, "topic", Types.StringType.get()),
      Types.NestedField.required(6, "partition", Types.IntegerType.get()),
      Types.NestedField.required(7, "offset", Types.LongType.get()),
      Types.NestedField.optional(8, "kafka_timestamp", Types.TimestampType.withZone()),
      Types.NestedField.optional(9, "key", Types.BinaryType.get()),
      Types.NestedField.optional(10, "payload", Types.BinaryType.get(),
          "The original message bytes, cut at ingest.quarantine.max-original-bytes (see original_length)"),
      Types.NestedField.optional(11, "schema_ref", Types.StringType.get()),
      Types.NestedField.optional(12, "event_id", Types.StringType.get()),
      Types.NestedField.required(13, "quarantined_at", Types.TimestampType.withZone()),
      Types.NestedField.optional(14, "original_length", Types.IntegerType.get(), "Length in bytes of the whole original message"),
      Types.NestedField.optional(15, "original_sha256", Types.StringType.get(),
          "SHA-256 (hex) of the whole original message: with topic, partition and offset, finds and verifies it in the source"));

  static final PartitionSpec SPEC = PartitionSpec.builderFor(SCHEMA).day("quarantined_at").identity("stage").build();

  @Override
  public void generate(Quarantined q, Collector<DynamicRecord> out) throws InterruptedException {
    GenericRowData row = GenericRowData.of(
        str(q.domain), str(q.stage), str(q.reason), str(q.detail), str(q.topic), q.partition, q.offset,
        TimestampData.fromEpochMillis(q.kafkaTimestamp), q.key, q.payload, str(q.schemaRef), str(q.eventId),
        TimestampData.fromEpochMillis(q.quarantinedAt), q.originalLength, str(q.originalSha256));
    EvolvingCollector.collect(out, new DynamicRecord(IngestTables.QUARANTINE, "main", SCHEMA, row, SPEC));
  }

  static StringData str(String s) {
    return s == null ? null : StringData.fromString(s);
  }
}
