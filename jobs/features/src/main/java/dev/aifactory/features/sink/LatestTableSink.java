package dev.aifactory.features.sink;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.FeatureRow;
import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.DistributionMode;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.maintenance.api.ExpireSnapshotsConfig;
import org.apache.iceberg.flink.maintenance.api.FlinkMaintenanceConfig;
import org.apache.iceberg.flink.maintenance.api.RewriteDataFilesConfig;
import org.apache.iceberg.flink.sink.IcebergSink;

/**
 * The latest table ({@link FeatureTables#latest}), upserted by entity, view and version from the
 * rows that were the newest when emitted; a tombstone deletes the entity's row.
 *
 * <p>Last write wins, which is right here: the sink keys rows by the entity, so they reach its
 * writer in the order the keyed feature operator emitted them, and that operator emits an
 * entity's newest row last (a late event's row is followed by a CORRECTION repeating the newest).
 * Commits are exactly once, on checkpoints, so only an entity's newest row of each checkpoint
 * interval is written ({@link NewestPerEntityUntilCheckpoint}). Each commit adds small data and equality-delete
 * files, and a reader must apply every equality delete committed since the last compaction to
 * every data file: that, not the table's size, is what a read costs (SqlLatestBenchmark). So
 * Iceberg's post-commit maintenance rewrites the table every {@link #COMPACT_AFTER_COMMITS}
 * commits, at most every {@link #COMPACT_AT_MOST_EVERY_SECONDS} seconds (about 30 s of deltas at
 * the job's 10 s checkpoints), and expires old snapshots. The table holds one row per entity,
 * so rewriting it whole is cheap next to the history.
 */
public final class LatestTableSink {

  /** Commits (checkpoints) between compactions: each adds a data and a delete file per writer. */
  public static final int COMPACT_AFTER_COMMITS = 3;
  /** Iceberg's maintenance rate limit (its default is 60 s), set here so the cadence is stated in one place. */
  public static final int COMPACT_AT_MOST_EVERY_SECONDS = 30;
  /** Snapshots kept for time travel (and for readers still planning against an older one). */
  static final int SNAPSHOTS_KEPT = 10;

  private LatestTableSink() {}

  public static void write(DataStream<FeatureRow> newest, FeatureView view, CatalogLoader catalog) {
    TableIdentifier id = FeatureTables.latest(view);
    Schema schema = catalog.loadCatalog().loadTable(id).schema();
    DataStream<RowData> upserts = newest
        .transform("newest per entity until checkpoint", newest.getType(), new NewestPerEntityUntilCheckpoint())
        .uid("latest-newest-" + view.id())
        .map(new Upserts(new HistoryRows(view, schema)))
        .returns(InternalTypeInfo.of(FlinkSchemaUtil.convert(schema)))
        .uid("latest-rows-" + view.id()).name("latest rows");
    IcebergSink.forRowData(upserts)
        .tableLoader(TableLoader.fromCatalog(catalog, id))
        .uidSuffix("latest-" + view.id())
        .upsert(true)
        .equalityFieldColumns(FeatureTables.latestKey())
        .distributionMode(DistributionMode.HASH)
        .set(FlinkMaintenanceConfig.RATE_LIMIT, String.valueOf(COMPACT_AT_MOST_EVERY_SECONDS))
        .rewriteDataFiles(Map.of(RewriteDataFilesConfig.SCHEDULE_ON_COMMIT_COUNT, String.valueOf(COMPACT_AFTER_COMMITS)))
        .expireSnapshots(Map.of(
            ExpireSnapshotsConfig.SCHEDULE_ON_COMMIT_COUNT, String.valueOf(COMPACT_AFTER_COMMITS),
            ExpireSnapshotsConfig.RETAIN_LAST, String.valueOf(SNAPSHOTS_KEPT)))
        .append();
  }

  /** A row as an upsert of the table's columns, or as the delete of its key for a tombstone. */
  private static final class Upserts implements MapFunction<FeatureRow, RowData> {
    private final HistoryRows columns;

    Upserts(HistoryRows columns) {
      this.columns = columns;
    }

    @Override
    public RowData map(FeatureRow r) {
      RowData row = columns.map(r);
      row.setRowKind(r.tombstone ? RowKind.DELETE : RowKind.INSERT);
      return row;
    }
  }
}
