package dev.aifactory.common.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.IcebergCatalogs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One card in every zone, across several commits and partitions, erased: afterwards nothing of
 * it can be read from any table at any remaining snapshot, the files that held it are gone from
 * disk, and every other card's rows are still there.
 */
class ErasureTest {

  private static final String CARD = "card-000042";
  private static final List<String> TOKENS = List.of("t.k2.newtoken", "t.k1.oldtoken");
  private static final ErasureRequest REQUEST = new ErasureRequest(CARD, TOKENS);

  private static final Schema BRONZE = new Schema(
      Types.NestedField.required(1, "event_id", Types.StringType.get()),
      Types.NestedField.required(2, "card_id", Types.StringType.get()),
      Types.NestedField.required(3, "event_time", Types.TimestampType.withZone()));
  private static final Schema GOLD = new Schema(
      Types.NestedField.required(1, "entity", Types.StringType.get()),
      Types.NestedField.required(2, "valid_from", Types.TimestampType.withZone()));
  private static final Schema PREDICTIONS = new Schema(
      Types.NestedField.required(1, "event_id", Types.StringType.get()),
      Types.NestedField.required(2, "entity_id", Types.StringType.get()));
  private static final Schema QUARANTINE = new Schema(
      Types.NestedField.required(1, "reason", Types.StringType.get()),
      Types.NestedField.optional(2, "payload", Types.BinaryType.get()));
  /** An upsert table (the features job's latest table): format v2, keyed by entity. */
  private static final Schema LATEST = new Schema(List.of(
      Types.NestedField.required(1, "entity", Types.StringType.get()),
      Types.NestedField.required(2, "valid_from", Types.TimestampType.withZone())), Set.of(1));
  private static final Schema OTHER = new Schema(Types.NestedField.required(1, "model_name", Types.StringType.get()));

  @Test
  void nothingOfTheCardIsReadableAnywhereAfterwards(@TempDir Path warehouse) throws Exception {
    Catalog catalog = IcebergCatalogs.local(warehouse).loadCatalog();
    Table bronze = catalog.createTable(TableIdentifier.of("bronze", "transactions"), BRONZE, PartitionSpec.builderFor(BRONZE).day("event_time").build());
    Table silver = catalog.createTable(TableIdentifier.of("silver", "transactions"), BRONZE, PartitionSpec.builderFor(BRONZE).day("event_time").build());
    Table gold = catalog.createTable(TableIdentifier.of("gold", "features_card_id_history"), GOLD);
    Table predictions = catalog.createTable(TableIdentifier.of("gold", "predictions"), PREDICTIONS);
    Table quarantine = catalog.createTable(TableIdentifier.of("ingest", "quarantine"), QUARANTINE);
    Table registry = catalog.createTable(TableIdentifier.of("models", "registry"), OTHER);
    Table latest = catalog.buildTable(TableIdentifier.of("gold", "features_card_id_latest"), LATEST)
        .withProperty("format-version", "2").create();
    // Upserts as the Iceberg sink writes them: the card's row replaced (an equality delete of its
    // key and the new row in one commit), another card expired (a delete of its key alone).
    IcebergAppends.append(latest, List.of(row(LATEST, TOKENS.get(0), time(1)), row(LATEST, "t.k2.other", time(1)),
        row(LATEST, "t.k2.expired", time(1))));
    DeleteFile keysDeleted = equalityDeletes(latest, TOKENS.get(0), "t.k2.expired");
    latest.newRowDelta().addDeletes(keysDeleted).addRows(IcebergAppends.write(latest, List.of(row(LATEST, TOKENS.get(0), time(2)))))
        .commit();
    for (int day = 1; day <= 3; day++) {
      // Two commits a day, the card in some of each: several files, partitions and snapshots hold it.
      for (int commit = 0; commit < 2; commit++) {
        List<Record> raw = new ArrayList<>();
        List<Record> tokenized = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          String card = i % 7 == 0 ? CARD : "card-" + (1000 + i);
          String token = card.equals(CARD) ? TOKENS.get(i % 2) : "t.k2.other" + i;
          raw.add(row(BRONZE, "e" + day + commit + i, card, time(day)));
          tokenized.add(row(BRONZE, "e" + day + commit + i, token, time(day)));
        }
        IcebergAppends.append(bronze, raw);
        IcebergAppends.append(silver, tokenized);
      }
      IcebergAppends.append(gold, List.of(row(GOLD, TOKENS.get(0), time(day)), row(GOLD, "t.k2.other", time(day))));
      IcebergAppends.append(predictions, List.of(row(PREDICTIONS, "p" + day, TOKENS.get(1)), row(PREDICTIONS, "q" + day, "t.k2.other")));
      IcebergAppends.append(quarantine, List.of(row(QUARANTINE, "card_id_format", payload("{\"card_id\":\"" + CARD + "\"}")),
          row(QUARANTINE, "amount_range", payload("{\"card_id\":\"card-7\"}"))));
      IcebergAppends.append(registry, List.of(row(OTHER, "fraud")));
    }
    Set<String> filesBefore = dataFiles(warehouse);

    Erasure.Report report = Erasure.eraseEverywhere(catalog, REQUEST);

    List<Table> all = List.of(bronze, silver, gold, predictions, quarantine, registry, latest);
    for (Table t : all) {
      t.refresh();
      for (Snapshot s : t.snapshots()) {
        for (Record r : read(t, s.snapshotId())) {
          assertThat(mentions(r)).as("%s at snapshot %d: %s", t.name(), s.snapshotId(), r).isFalse();
        }
      }
    }
    assertThat(report.rowsRemoved()).isEqualTo(2 * 3 * 2 * 3 + 3 + 3 + 3 + 1); // bronze+silver, gold, predictions, quarantine, latest
    assertThat(report.tables()).extracting(Erasure.TableResult::table).doesNotContain(registry.name());
    // Everyone else is still there.
    assertThat(read(bronze, bronze.currentSnapshot().snapshotId())).hasSize(3 * 2 * 17);
    assertThat(read(silver, silver.currentSnapshot().snapshotId())).hasSize(3 * 2 * 17);
    assertThat(read(gold, gold.currentSnapshot().snapshotId())).hasSize(3);
    assertThat(read(quarantine, quarantine.currentSnapshot().snapshotId())).hasSize(3);
    assertThat(read(registry, registry.currentSnapshot().snapshotId())).hasSize(3);
    assertThat(read(latest, latest.currentSnapshot().snapshotId())).extracting(r -> r.getField("entity")).containsExactly("t.k2.other");
    // The delete file held the card's token as a key: it is gone too.
    assertThat(Path.of(java.net.URI.create(keysDeleted.location()))).doesNotExist();
    // The files that held the card are deleted, not just unreferenced.
    Set<String> filesAfter = dataFiles(warehouse);
    assertThat(filesBefore).anyMatch(f -> !filesAfter.contains(f));
    for (Table t : all) {
      for (var task : t.newScan().planFiles()) {
        assertThat(Path.of(java.net.URI.create(task.file().location()))).exists();
      }
    }
    // Erasing again finds nothing.
    assertThat(Erasure.eraseEverywhere(catalog, REQUEST).rowsRemoved()).isZero();
  }

  private static DeleteFile equalityDeletes(Table table, String... keys) throws Exception {
    Schema keySchema = table.schema().select("entity");
    EqualityDeleteWriter<Record> writer = new GenericAppenderFactory(table.schema(), table.spec(),
        new int[] {table.schema().findField("entity").fieldId()}, keySchema, null)
        .newEqDeleteWriter(EncryptedFiles.plainAsEncryptedOutput(table.io().newOutputFile(
            table.locationProvider().newDataLocation("deletes-" + System.nanoTime() + ".parquet"))), FileFormat.PARQUET, null);
    try (writer) {
      for (String key : keys) {
        writer.write(row(keySchema, key));
      }
    }
    return writer.toDeleteFile();
  }

  private static boolean mentions(Record r) {
    for (int i = 0; i < r.size(); i++) {
      Object v = r.get(i);
      if (v instanceof CharSequence s && (s.toString().equals(CARD) || TOKENS.contains(s.toString()))) {
        return true;
      }
      if (v instanceof ByteBuffer b && TableErasure.contains(b, CARD.getBytes(StandardCharsets.UTF_8))) {
        return true;
      }
    }
    return false;
  }

  private static List<Record> read(Table t, long snapshot) throws Exception {
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(t).useSnapshot(snapshot).build()) {
      it.forEach(rows::add);
    }
    return rows;
  }

  private static Set<String> dataFiles(Path warehouse) throws Exception {
    try (Stream<Path> files = Files.walk(warehouse)) {
      return files.filter(p -> p.toString().endsWith(".parquet")).map(Path::toString).collect(java.util.stream.Collectors.toSet());
    }
  }

  private static Record row(Schema schema, Object... values) {
    GenericRecord r = GenericRecord.create(schema);
    for (int i = 0; i < values.length; i++) {
      r.set(i, values[i]);
    }
    return r;
  }

  private static OffsetDateTime time(int day) {
    return OffsetDateTime.of(2026, 1, day, 12, 0, 0, 0, ZoneOffset.UTC);
  }

  private static ByteBuffer payload(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }
}
