package dev.aifactory.common.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.IcebergCatalogs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.sink.RowDataTaskWriterFactory;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One layout for every job's dead letters: new tables are created in it, tables of the four
 * layouts earlier releases wrote are moved to it without rewriting data, and rows are then
 * written through the Flink writer the jobs' Iceberg sinks use, by position.
 */
class DeadLetterTableTest {

  private static final OffsetDateTime AT = OffsetDateTime.ofInstant(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC);

  /** ingest.quarantine before the one layout. */
  private static final Schema QUARANTINE_V1 = new Schema(
      Types.NestedField.optional(1, "domain", Types.StringType.get()),
      Types.NestedField.required(2, "stage", Types.StringType.get()),
      Types.NestedField.required(3, "reason", Types.StringType.get()),
      Types.NestedField.optional(4, "detail", Types.StringType.get()),
      Types.NestedField.required(5, "topic", Types.StringType.get()),
      Types.NestedField.required(6, "partition", Types.IntegerType.get()),
      Types.NestedField.required(7, "offset", Types.LongType.get()),
      Types.NestedField.optional(8, "kafka_timestamp", Types.TimestampType.withZone()),
      Types.NestedField.optional(9, "key", Types.BinaryType.get()),
      Types.NestedField.optional(10, "payload", Types.BinaryType.get()),
      Types.NestedField.optional(11, "schema_ref", Types.StringType.get()),
      Types.NestedField.optional(12, "event_id", Types.StringType.get()),
      Types.NestedField.required(13, "quarantined_at", Types.TimestampType.withZone()),
      Types.NestedField.optional(14, "original_length", Types.IntegerType.get()),
      Types.NestedField.optional(15, "original_sha256", Types.StringType.get()));

  /** gold.features_late and gold.scoring_unscored before the one layout. */
  private static final Schema DROPPED_V1 = new Schema(
      Types.NestedField.required(1, "feature_view", Types.StringType.get()),
      Types.NestedField.required(2, "feature_view_version", Types.IntegerType.get()),
      Types.NestedField.required(3, "reason", Types.StringType.get()),
      Types.NestedField.optional(4, "detail", Types.StringType.get()),
      Types.NestedField.optional(5, "entity", Types.StringType.get()),
      Types.NestedField.optional(6, "event_id", Types.StringType.get()),
      Types.NestedField.required(7, "event_time", Types.TimestampType.withZone()),
      Types.NestedField.optional(8, "watermark", Types.TimestampType.withZone()),
      Types.NestedField.required(9, "dropped_at", Types.TimestampType.withZone()));

  /** gold.cost_rejected before the one layout. */
  private static final Schema REJECTED_V1 = new Schema(
      Types.NestedField.required(1, "reason", Types.StringType.get()),
      Types.NestedField.optional(2, "detail", Types.StringType.get()),
      Types.NestedField.optional(3, "event_id", Types.StringType.get()),
      Types.NestedField.optional(4, "resource_id", Types.StringType.get()),
      Types.NestedField.required(5, "event_time", Types.TimestampType.withZone()),
      Types.NestedField.optional(6, "watermark", Types.TimestampType.withZone()),
      Types.NestedField.required(7, "rejected_at", Types.TimestampType.withZone()));

  @Test
  void aNewTableIsCreatedInTheLayoutAndHoldsEveryFieldOfADeadLetter(@TempDir Path warehouse) throws IOException {
    Catalog catalog = IcebergCatalogs.local(warehouse).loadCatalog();
    Table table = DeadLetterTable.ensure(catalog, TableIdentifier.of("gold", "features_late"));
    assertThat(DeadLetterTable.inLayout(table.schema())).isTrue();

    DeadLetter letter = DeadLetter.of("features", "features", "LATE", "older than the watermark", 3_000L)
        .withSubject("card_activity", 2).withEvent("tok-card-1", "evt-1", 1_000L).withWatermark(2_000L)
        .withSource("silver.transactions", 1, 42L, 999L).withOriginal("k".getBytes(StandardCharsets.UTF_8),
            "payload".getBytes(StandardCharsets.UTF_8), 100).withSchemaRef("transaction-v3");
    write(table, List.of(letter));

    Record r = only(read(table));
    assertThat(r.getField("job")).isEqualTo("features");
    assertThat(r.getField("stage")).isEqualTo("features");
    assertThat(r.getField("reason")).isEqualTo("LATE");
    assertThat(r.getField("detail")).isEqualTo("older than the watermark");
    assertThat(r.getField("subject")).isEqualTo("card_activity");
    assertThat(r.getField("subject_version")).isEqualTo(2);
    assertThat(r.getField("entity")).isEqualTo("tok-card-1");
    assertThat(r.getField("event_id")).isEqualTo("evt-1");
    assertThat(millis(r, "event_time")).isEqualTo(1_000L);
    assertThat(millis(r, "watermark")).isEqualTo(2_000L);
    assertThat(r.getField("topic")).isEqualTo("silver.transactions");
    assertThat(r.getField("partition")).isEqualTo(1);
    assertThat(r.getField("offset")).isEqualTo(42L);
    assertThat(millis(r, "kafka_timestamp")).isEqualTo(999L);
    assertThat(text(r.getField("key"))).isEqualTo("k");
    assertThat(text(r.getField("payload"))).isEqualTo("payload");
    assertThat(r.getField("original_length")).isEqualTo(7);
    assertThat(r.getField("original_sha256")).isEqualTo(letter.originalSha256);
    assertThat(r.getField("schema_ref")).isEqualTo("transaction-v3");
    assertThat(millis(r, "recorded_at")).isEqualTo(3_000L);
  }

  @Test
  void theQuarantineOfAnEarlierReleaseMovesToTheLayoutAndKeepsItsRows(@TempDir Path warehouse) throws IOException {
    Catalog catalog = IcebergCatalogs.local(warehouse).loadCatalog();
    TableIdentifier id = TableIdentifier.of("ingest", "quarantine");
    Table table = catalog.createTable(id, QUARANTINE_V1, PartitionSpec.builderFor(QUARANTINE_V1).day("quarantined_at").identity("stage").build());
    Record old = GenericRecord.create(QUARANTINE_V1);
    old.setField("domain", "transactions");
    old.setField("stage", "quality");
    old.setField("reason", "card_id_format");
    old.setField("topic", "raw.transactions");
    old.setField("partition", 0);
    old.setField("offset", 7L);
    old.setField("payload", ByteBuffer.wrap("raw".getBytes(StandardCharsets.UTF_8)));
    old.setField("quarantined_at", AT);
    IcebergAppends.append(table, List.of(old));
    List<String> filesBefore = dataFiles(table);

    Table moved = DeadLetterTable.ensure(catalog, id);

    assertThat(DeadLetterTable.inLayout(moved.schema())).isTrue();
    assertThat(dataFiles(moved)).as("no data file rewritten").isEqualTo(filesBefore);
    write(moved, List.of(DeadLetter.of("ingest", "decode", "TRUNCATED", null, 5_000L).withSubject("transactions", null)
        .withSource("raw.transactions", 1, 8L, 4_000L).withOriginal(null, new byte[] {1, 2}, 100)));
    List<Record> rows = read(moved);
    assertThat(rows).extracting(r -> r.getField("subject")).containsExactlyInAnyOrder("transactions", "transactions");
    assertThat(rows).extracting(r -> r.getField("reason")).containsExactlyInAnyOrder("card_id_format", "TRUNCATED");
    Record before = rows.stream().filter(r -> "card_id_format".equals(r.getField("reason"))).findFirst().orElseThrow();
    assertThat(before.getField("recorded_at")).isEqualTo(AT);
    assertThat(before.getField("job")).as("written before the layout named the job").isNull();
    assertThat(text(before.getField("payload"))).isEqualTo("raw");
    // Its partitioning still reads: by day of recorded_at (the renamed column) and stage.
    assertThat(moved.spec().fields()).extracting(f -> moved.schema().findColumnName(f.sourceId()))
        .containsExactly("recorded_at", "stage");
  }

  @Test
  void droppedEventsAndRejectedUsageOfAnEarlierReleaseMoveToTheLayout(@TempDir Path warehouse) throws IOException {
    Catalog catalog = IcebergCatalogs.local(warehouse).loadCatalog();
    Table late = catalog.createTable(TableIdentifier.of("gold", "features_late"), DROPPED_V1,
        PartitionSpec.builderFor(DROPPED_V1).day("dropped_at").build());
    Record dropped = GenericRecord.create(DROPPED_V1);
    dropped.setField("feature_view", "card_activity");
    dropped.setField("feature_view_version", 1);
    dropped.setField("reason", "LATE");
    dropped.setField("entity", "tok-card-9");
    dropped.setField("event_time", AT);
    dropped.setField("dropped_at", AT);
    IcebergAppends.append(late, List.of(dropped));
    Table rejected = catalog.createTable(TableIdentifier.of("gold", "cost_rejected"), REJECTED_V1,
        PartitionSpec.builderFor(REJECTED_V1).day("rejected_at").build());
    Record usage = GenericRecord.create(REJECTED_V1);
    usage.setField("reason", "INVALID");
    usage.setField("resource_id", "GPU-7");
    usage.setField("event_time", AT);
    usage.setField("rejected_at", AT);
    IcebergAppends.append(rejected, List.of(usage));

    for (Table moved : List.of(DeadLetterTable.ensure(catalog, TableIdentifier.of("gold", "features_late")),
        DeadLetterTable.ensure(catalog, TableIdentifier.of("gold", "cost_rejected")))) {
      assertThat(DeadLetterTable.inLayout(moved.schema())).as(moved.name()).isTrue();
      // A dead letter without an event time (an undecodable record) fits where event_time was required.
      write(moved, List.of(DeadLetter.of("cost", "usage", "UNDECODABLE", "bad bytes", 6_000L)
          .withSource("telemetry.usage", 0, 3L, 5_000L)));
    }
    Record lateRow = read(catalog.loadTable(TableIdentifier.of("gold", "features_late"))).stream()
        .filter(r -> "LATE".equals(r.getField("reason"))).findFirst().orElseThrow();
    assertThat(lateRow.getField("subject")).isEqualTo("card_activity");
    assertThat(lateRow.getField("subject_version")).isEqualTo(1);
    assertThat(lateRow.getField("entity")).isEqualTo("tok-card-9");
    assertThat(lateRow.getField("recorded_at")).isEqualTo(AT);
    Record usageRow = read(catalog.loadTable(TableIdentifier.of("gold", "cost_rejected"))).stream()
        .filter(r -> "INVALID".equals(r.getField("reason"))).findFirst().orElseThrow();
    assertThat(usageRow.getField("subject")).isEqualTo("GPU-7");
    assertThat(usageRow.getField("recorded_at")).isEqualTo(AT);
    // A second start finds the table in the layout and changes nothing.
    long schemaId = catalog.loadTable(TableIdentifier.of("gold", "cost_rejected")).schema().schemaId();
    assertThat(DeadLetterTable.ensure(catalog, TableIdentifier.of("gold", "cost_rejected")).schema().schemaId()).isEqualTo(schemaId);
  }

  @Test
  void aColumnTheLayoutDoesNotHoldStopsTheMoveWithItsName(@TempDir Path warehouse) {
    Catalog catalog = IcebergCatalogs.local(warehouse).loadCatalog();
    Schema custom = new Schema(
        Types.NestedField.required(1, "reason", Types.StringType.get()),
        Types.NestedField.optional(2, "operator_note", Types.StringType.get()),
        Types.NestedField.required(3, "rejected_at", Types.TimestampType.withZone()));
    catalog.createTable(TableIdentifier.of("gold", "cost_rejected"), custom);
    assertThatThrownBy(() -> DeadLetterTable.ensure(catalog, TableIdentifier.of("gold", "cost_rejected")))
        .hasMessageContaining("operator_note");
  }

  @Test
  void aDeadLetterKeepsTheOriginalUpToTheLimitWithTheWholeLengthAndDigest() {
    byte[] big = new byte[10_000];
    big[9_999] = 1;
    DeadLetter d = DeadLetter.of("ingest", "decode", "OVERSIZED_PAYLOAD", "x".repeat(5_000), 0L)
        .withOriginal(new byte[2_000], big, 1_024).withEvent("c".repeat(1_000_000), "e".repeat(300), Long.MIN_VALUE)
        .withWatermark(Long.MIN_VALUE);
    assertThat(d.payload).hasSize(1_024);
    assertThat(d.key).hasSize(1_024);
    assertThat(d.originalLength).isEqualTo(10_000);
    assertThat(d.originalSha256).isEqualTo(dev.aifactory.common.Sha256.hex(big));
    assertThat(d.detail).hasSizeLessThan(DeadLetter.MAX_DETAIL_CHARS + 40).endsWith("(5000 chars)");
    assertThat(d.entity).hasSizeLessThan(DeadLetter.MAX_ID_CHARS + 40).endsWith("(1000000 chars)");
    assertThat(d.eventId).endsWith("(300 chars)");
    assertThat(d.eventTime).as("Long.MIN_VALUE is no event time").isNull();
    assertThat(d.watermark).as("Long.MIN_VALUE is no watermark yet").isNull();
  }

  /** Writes rows as the jobs' Iceberg sinks do: Flink RowData, by position, against the table's schema. */
  private static void write(Table table, List<DeadLetter> letters) throws IOException {
    var factory = new RowDataTaskWriterFactory(table, FlinkSchemaUtil.convert(table.schema()), 1L << 27, FileFormat.PARQUET,
        Map.of(), List.of(), false);
    factory.initialize(0, 0);
    TaskWriter<RowData> writer = factory.create();
    for (DeadLetter d : letters) {
      writer.write(DeadLetterTable.row(d));
    }
    AppendFiles append = table.newAppend();
    for (DataFile f : writer.complete().dataFiles()) {
      append.appendFile(f);
    }
    append.commit();
    table.refresh();
  }

  private static List<Record> read(Table table) throws IOException {
    table.refresh();
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      it.forEach(r -> rows.add(r.copy()));
    }
    return rows;
  }

  private static List<String> dataFiles(Table table) throws IOException {
    table.refresh();
    List<String> files = new ArrayList<>();
    try (var tasks = table.newScan().planFiles()) {
      tasks.forEach(t -> files.add(t.file().location()));
    }
    return files.stream().sorted().toList();
  }

  private static Record only(List<Record> rows) {
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  private static long millis(Record r, String column) {
    return ((OffsetDateTime) r.getField(column)).toInstant().toEpochMilli();
  }

  private static String text(Object bytes) {
    ByteBuffer b = ((ByteBuffer) bytes).duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return new String(out, StandardCharsets.UTF_8);
  }

}
