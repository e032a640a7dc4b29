package dev.aifactory.features.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.Sha256;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.features.TestViews;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.sink.FeatureTables;
import dev.aifactory.features.sql.FeatureViewSql;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.flink.FlinkCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point-in-time joins on Iceberg, with feature values that change right around each event's
 * time: the training set must take the value valid at the event, never one that includes the
 * event or anything after it, nor (as of ingestion) a correction emitted after it was ingested.
 */
class TrainingSetJobTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  static final FeatureView VIEW = TestViews.cardView("5min");

  @TempDir
  Path warehouse;
  Catalog catalog;
  JobConfig config;

  @BeforeEach
  void tables() throws Exception {
    config = JobConfig.of(Map.of("iceberg.catalog.type", "hadoop", "iceberg.catalog.warehouse", warehouse.toString(),
        "flink.parallelism.default", "2"));
    catalog = IcebergCatalogs.local(warehouse).loadCatalog();
    FeatureTables.ensureExist(catalog, VIEW);

    // Card c1: count_2m is 1 from 10:00, 2 from 10:01, corrected to 3 (for 10:01) at 10:03,
    // 4 from 10:02; expired (tombstone) from 10:04. Card c2 has no features at all.
    Table history = catalog.loadTable(FeatureTables.history(VIEW));
    IcebergAppends.append(history, List.of(
        historyRow(history.schema(), "c1", 0, 5, false, 1),
        historyRow(history.schema(), "c1", 60, 65, false, 2),
        historyRow(history.schema(), "c1", 60, 180, false, 3),
        historyRow(history.schema(), "c1", 120, 125, false, 4),
        historyRow(history.schema(), "c1", 240, 245, true, 0),
        // Two events of one millisecond, each with its own row (neither counts the other).
        eventRow(history.schema(), "c1", 200, 201, "twin-a", 5),
        eventRow(history.schema(), "c1", 200, 202, "twin-b", 6),
        historyRow(history.schema(), "c3", 120, 125, false, 7)));
    // The latest table as the job leaves it after that history: c3's newest row (c1 expired),
    // and c3's row of another version of the view, which the generated SQL must not read.
    Table latest = catalog.loadTable(FeatureTables.latest(VIEW));
    Record otherVersion = latestRow(latest.schema(), "c3", 130, 99);
    otherVersion.setField("feature_view_version", VIEW.version() + 1);
    IcebergAppends.append(latest, List.of(latestRow(latest.schema(), "c3", 120, 7), otherVersion));

    Schema events = new Schema(
        Types.NestedField.required(1, "event_id", Types.StringType.get()),
        Types.NestedField.required(2, "card_id", Types.StringType.get()),
        Types.NestedField.required(3, "event_time", Types.TimestampType.withZone()),
        Types.NestedField.required(4, "_ingest_time", Types.TimestampType.withZone()));
    Table tx = catalog.createTable(TableIdentifier.of("silver", "transactions"), events);
    IcebergAppends.append(tx, List.of(
        event(events, "at-10:00:02", "c1", 2_000, 0),
        event(events, "just-before-10:01", "c1", 60_000 - 1, 1),
        event(events, "at-10:01", "c1", 60_000, 10),
        event(events, "at-10:02:30", "c1", 150_000, 1),
        event(events, "after-expiry", "c1", 300_000, 1),
        event(events, "twin-a", "c1", 200_000, 1),
        event(events, "twin-b", "c1", 200_000, 1),
        event(events, "never-seen-card", "c2", 100_000, 1),
        event(events, "outside-range", "c1", 3_600_000, 1)));

    Schema labelSchema = new Schema(
        Types.NestedField.required(1, "event_id", Types.StringType.get()),
        Types.NestedField.required(2, "transaction_id", Types.StringType.get()),
        Types.NestedField.required(3, "is_fraud", Types.BooleanType.get()));
    Table labels = catalog.createTable(TableIdentifier.of("silver", "labels"), labelSchema);
    IcebergAppends.append(labels, List.of(label(labelSchema, "l1", "just-before-10:01", true), label(labelSchema, "l2", "at-10:01", false),
        label(labelSchema, "l3", "at-10:01", true), label(labelSchema, "l4", "never-seen-card", false)));
  }

  @Test
  void eachEventGetsTheFeaturesValidAtItsTimeAndItsLabel() throws Exception {
    TableIdentifier out = TrainingSetJob.run(config, new TrainingSetRequest(VIEW, "test", T0, T0.plusSeconds(1800), false));
    Map<String, Record> rows = read(out);
    assertThat(rows.keySet()).containsExactlyInAnyOrder("at-10:00:02", "just-before-10:01", "at-10:01", "at-10:02:30", "after-expiry",
        "never-seen-card", "twin-a", "twin-b");
    assertThat(rows.get("twin-a").getField("count_2m")).as("its own row, not the newer one of its twin").isEqualTo(5L);
    assertThat(rows.get("twin-b").getField("count_2m")).isEqualTo(6L);

    assertThat(rows.get("at-10:00:02").getField("count_2m")).isEqualTo(1L);
    assertThat(rows.get("just-before-10:01").getField("count_2m")).as("1 ms before the value changes").isEqualTo(1L);
    assertThat(rows.get("at-10:01").getField("count_2m")).as("valid from 10:01, as corrected").isEqualTo(3L);
    assertThat(rows.get("at-10:02:30").getField("count_2m")).isEqualTo(4L);
    assertThat(rows.get("at-10:02:30").getField("feature_valid_from")).isEqualTo(at(120));
    assertThat(rows.get("after-expiry").getField("count_2m")).as("expired at 10:04").isNull();
    assertThat(rows.get("never-seen-card").getField("count_2m")).isNull();
    assertThat(rows.get("never-seen-card").getField("feature_valid_from")).isNull();

    assertThat(rows.get("just-before-10:01").getField("is_fraud")).isEqualTo(true);
    assertThat(rows.get("at-10:01").getField("is_fraud")).as("one of its labels says fraud").isEqualTo(true);
    assertThat(rows.get("never-seen-card").getField("is_fraud")).isEqualTo(false);
    assertThat(rows.get("never-seen-card").getField("labelled")).isEqualTo(true);
    assertThat(rows.get("at-10:02:30").getField("labelled")).isEqualTo(false);

    Table table = catalog.loadTable(out);
    Map<?, ?> snapshots = new ObjectMapper().readValue(table.properties().get("training.input-snapshots"), Map.class);
    assertThat(((Number) snapshots.get("gold.features_card_id_history")).longValue())
        .isEqualTo(catalog.loadTable(FeatureTables.history(VIEW)).currentSnapshot().snapshotId());
    assertThat(table.properties()).containsEntry("training.feature-view-sha256", VIEW.definitionSha256());

    assertThatThrownBy(() -> TrainingSetJob.run(config, new TrainingSetRequest(VIEW, "test", T0, T0.plusSeconds(60), false)))
        .hasMessageContaining("exists");
  }

  @Test
  void asOfIngestionACorrectionEmittedAfterTheEventWasIngestedIsNotUsed() throws Exception {
    TableIdentifier out = TrainingSetJob.run(config, new TrainingSetRequest(VIEW, "as_ingested", T0, T0.plusSeconds(1800), true));
    Map<String, Record> rows = read(out);
    // at-10:01 was ingested at 10:01:10: the row for 10:01 then said 2; the correction came at 10:03.
    assertThat(rows.get("at-10:01").getField("count_2m")).isEqualTo(2L);
    // at-10:00:02 was ingested at once, before the row valid from 10:00 was emitted (10:00:05).
    assertThat(rows.get("at-10:00:02").getField("count_2m")).isNull();
    assertThat(rows.get("just-before-10:01").getField("count_2m")).isEqualTo(1L);
  }

  @Test
  void theSqlGeneratedFromTheViewReadsTheNewestAndThePointInTimeRows() throws Exception {
    Configuration flink = new Configuration();
    flink.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
    StreamTableEnvironment tables = StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment(flink));
    tables.registerCatalog("ice", new FlinkCatalog("ice", "default", Namespace.empty(), IcebergCatalogs.local(warehouse),
        Map.of(), false, -1));
    tables.executeSql(FeatureViewSql.latestView(VIEW, "ice"));
    assertThat(counts(tables, "SELECT card_id, count_2m FROM " + FeatureViewSql.latestViewName(VIEW)))
        .as("c1 expired at 10:04; c3 is live").containsExactly(Map.entry("c3", 7L));
    assertThat(counts(tables, FeatureViewSql.asOf(VIEW, "ice", T0.plusSeconds(90), null)))
        .as("at 10:01:30, as corrected").containsEntry("c1", 3L).doesNotContainKey("c3");
    assertThat(counts(tables, FeatureViewSql.asOf(VIEW, "ice", T0.plusSeconds(90), T0.plusSeconds(120))))
        .as("as known at 10:02, before the correction").containsEntry("c1", 2L);
    assertThat(counts(tables, FeatureViewSql.asOf(VIEW, "ice", T0.plusSeconds(300), null)))
        .as("c1 expired at 10:04").containsOnlyKeys("c3");
  }

  static Map<String, Long> counts(StreamTableEnvironment tables, String sql) throws Exception {
    Map<String, Long> out = new HashMap<>();
    try (var rows = tables.executeSql(sql).collect()) {
      rows.forEachRemaining(r -> out.put((String) r.getField("card_id"), (Long) r.getField("count_2m")));
    }
    return out;
  }

  static OffsetDateTime at(long secondsAfterT0) {
    return OffsetDateTime.ofInstant(T0.plusSeconds(secondsAfterT0), ZoneOffset.UTC);
  }

  static Record historyRow(Schema schema, String entity, long validFrom, long emittedAt, boolean tombstone, long count) {
    Record r = GenericRecord.create(schema);
    r.setField("entity", entity);
    r.setField("feature_view", VIEW.name());
    r.setField("feature_view_version", VIEW.version());
    r.setField("valid_from", at(validFrom));
    r.setField("emitted_at", at(emittedAt));
    r.setField("tombstone", tombstone);
    r.setField("count_2m", tombstone ? null : count);
    return r;
  }

  static Record latestRow(Schema schema, String entity, long validFrom, long count) {
    Record r = GenericRecord.create(schema);
    r.setField("entity", entity);
    r.setField("entity_ref", Sha256.hex(entity));
    r.setField("feature_view", VIEW.name());
    r.setField("feature_view_version", VIEW.version());
    r.setField("valid_from", at(validFrom));
    r.setField("emitted_at", at(validFrom + 5));
    r.setField("count_2m", count);
    return r;
  }

  static Record eventRow(Schema schema, String entity, long validFrom, long emittedAt, String eventId, long count) {
    Record r = historyRow(schema, entity, validFrom, emittedAt, false, count);
    r.setField("event_id", eventId);
    r.setField("row_kind", "EVENT");
    return r;
  }

  static Record event(Schema schema, String id, String card, long millisAfterT0, long ingestedSecondsAfterEvent) {
    Record r = GenericRecord.create(schema);
    OffsetDateTime time = OffsetDateTime.ofInstant(T0.plusMillis(millisAfterT0), ZoneOffset.UTC);
    r.setField("event_id", id);
    r.setField("card_id", card);
    r.setField("event_time", time);
    r.setField("_ingest_time", time.plusSeconds(ingestedSecondsAfterEvent));
    return r;
  }

  static Record label(Schema schema, String id, String transaction, boolean fraud) {
    Record r = GenericRecord.create(schema);
    r.setField("event_id", id);
    r.setField("transaction_id", transaction);
    r.setField("is_fraud", fraud);
    return r;
  }

  Map<String, Record> read(TableIdentifier id) throws Exception {
    Map<String, Record> rows = new HashMap<>();
    List<Record> all = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(catalog.loadTable(id)).build()) {
      it.forEach(all::add);
    }
    all.forEach(r -> rows.put((String) r.getField("event_id"), r));
    assertThat(rows).as("one row per event").hasSize(all.size());
    return rows;
  }
}
