package dev.aifactory.features.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.Sha256;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.model.FeatureRow;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The latest table as the features job writes it (the shipped sink: upserts by entity, deletes
 * for tombstones, post-commit compaction every {@link LatestTableSink#COMPACT_AFTER_COMMITS}
 * commits, at most once a minute), over a stream long enough for many commits: each card's row is its last update, an
 * expired card has none, a card updated after it expired is back, and compaction rewrote the
 * files without changing what a reader sees.
 */
class LatestTableSinkTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  static final int CARDS = 40;
  static final int ROWS = 3_000;
  static final long T0 = 1_767_225_600_000L; // 2026-01-01

  @Test
  void eachCardHoldsItsLastUpdateAcrossCommitsAndCompaction(@TempDir Path tmp) throws Exception {
    FeatureView view = FeatureViews.load("card_activity");
    CatalogLoader loader = IcebergCatalogs.local(tmp);
    Catalog catalog = loader.loadCatalog();
    FeatureTables.ensureExist(catalog, view);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    // Checkpoints every 100 ms instead of the job's interval, so this short stream makes the
    // dozens of commits that trigger compaction; the features tests run the job's own settings.
    env.enableCheckpointing(100);
    int features = view.features().size();
    // One source and mapper: a card's rows reach the sink in order, as from the keyed operator.
    DataStream<FeatureRow> rows = env.fromSequence(0, ROWS - 1).setParallelism(1)
        .map(i -> {
          Thread.sleep(2); // spread the rows over many checkpoints
          return row(i, features);
        }).setParallelism(1);
    LatestTableSink.write(rows, view, loader);
    env.execute("latest-table-under-test");

    Map<String, FeatureRow> expected = new HashMap<>();
    for (long i = 0; i < ROWS; i++) {
      FeatureRow r = row(i, features);
      if (r.tombstone) {
        expected.remove(r.entity);
      } else {
        expected.put(r.entity, r);
      }
    }
    assertThat(expected.size()).as("some cards expired, some came back").isStrictlyBetween(CARDS / 2, CARDS);

    Table table = catalog.loadTable(FeatureTables.latest(view));
    assertThat(table.snapshots()).as("compacted at least once")
        .anyMatch(s -> DataOperations.REPLACE.equals(s.operation()));
    List<Record> read = read(table);
    Map<String, Record> byCard = new HashMap<>();
    read.forEach(r -> assertThat(byCard.put((String) r.getField("entity"), r)).as("one row per card").isNull());
    assertThat(byCard.keySet()).isEqualTo(expected.keySet());
    for (var e : expected.entrySet()) {
      Record got = byCard.get(e.getKey());
      assertThat(((OffsetDateTime) got.getField("valid_from")).toInstant().toEpochMilli()).isEqualTo(e.getValue().validFrom);
      assertThat(got.getField("entity_ref")).isEqualTo(Sha256.hex(e.getKey()));
      assertThat(got.getField("feature_view_version")).isEqualTo(view.version());
      assertThat(got.getField(view.features().get(0).name())).isNotNull();
    }
    Snapshot current = table.currentSnapshot();
    long commits = table.snapshots().iterator().hasNext() ? maxCheckpoint(table) : 0;
    assertThat(commits).as("commits").isGreaterThan(LatestTableSink.COMPACT_AFTER_COMMITS);
    assertThat(Long.parseLong(current.summary().getOrDefault("total-data-files", "0")))
        .as("live data files after %s commits of 2 writers: compaction replaced the early ones", commits)
        .isLessThan(commits * 2);
  }

  /**
   * Row i updates card i % CARDS at second i. Every 7th card expires (a tombstone) in the
   * middle of the stream; every 14th comes back after that, and every 5th expires at its last
   * row.
   */
  static FeatureRow row(long i, int features) {
    int card = (int) (i % CARDS);
    long round = i / CARDS;
    long rounds = ROWS / CARDS;
    boolean tombstone = (card % 7 == 0 && round == rounds / 2) || (card % 5 == 0 && round == rounds - 1)
        || (card % 7 == 0 && card % 14 != 0 && round > rounds / 2 && round < rounds - 1);
    double[] values = new double[features];
    for (int f = 0; f < features; f++) {
      values[f] = i + f;
    }
    FeatureRow r = new FeatureRow("tok_card_" + card, T0 + i * 1000, i, tombstone, tombstone ? null : values);
    r.kind = tombstone ? FeatureRow.DECAY : FeatureRow.EVENT;
    r.latest = true;
    return r;
  }

  static long maxCheckpoint(Table table) {
    long max = 0;
    for (Snapshot s : table.snapshots()) {
      max = Math.max(max, Long.parseLong(s.summary().getOrDefault("flink.max-committed-checkpoint-id", "0")));
    }
    return max;
  }

  static List<Record> read(Table table) throws Exception {
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      it.forEach(rows::add);
    }
    return rows;
  }
}
