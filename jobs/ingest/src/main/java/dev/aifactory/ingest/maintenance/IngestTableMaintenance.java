package dev.aifactory.ingest.maintenance;

import dev.aifactory.ingest.IngestSettings;
import dev.aifactory.ingest.domain.DomainSpec;
import dev.aifactory.ingest.sink.IngestTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.maintenance.api.ExpireSnapshots;
import org.apache.iceberg.flink.maintenance.api.RewriteDataFiles;
import org.apache.iceberg.flink.maintenance.api.TableMaintenance;

/**
 * Adds Iceberg's own Flink table maintenance (compaction and snapshot expiry) to the ingest job
 * for every table it writes. The maintenance streams watch the tables and trigger on commit and
 * file counts; they are unbounded, so they are only added to streaming runs.
 */
public final class IngestTableMaintenance {

  private IngestTableMaintenance() {}

  public static void addTo(StreamExecutionEnvironment env, CatalogLoader catalog, IngestSettings settings,
      MaintenanceSettings maintenance) {
    // The tables exist by now: IngestJobMain.sinks created them.
    for (TableIdentifier table : tables(settings)) {
      try {
        TableMaintenance.forTable(env, TableLoader.fromCatalog(catalog, table))
            .uidSuffix("maintenance-" + table)
            .rateLimit(maintenance.rateLimit())
            .add(RewriteDataFiles.builder()
                .scheduleOnDataFileCount(maintenance.compactAfterDataFiles())
                .targetFileSizeBytes(maintenance.targetFileSizeBytes())
                .partialProgressEnabled(true))
            .add(ExpireSnapshots.builder()
                .scheduleOnCommitCount(maintenance.expireAfterCommits())
                .maxSnapshotAge(maintenance.maxSnapshotAge())
                .retainLast(maintenance.retainLastSnapshots()))
            .append();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot add maintenance for " + table, e);
      }
    }
  }

  static List<TableIdentifier> tables(IngestSettings settings) {
    List<TableIdentifier> tables = new ArrayList<>();
    for (DomainSpec domain : settings.domains()) {
      tables.add(IngestTables.bronze(domain.name()));
      tables.add(IngestTables.silver(domain.name()));
    }
    tables.add(IngestTables.QUARANTINE);
    tables.add(IngestTables.DQ);
    return tables;
  }
}
