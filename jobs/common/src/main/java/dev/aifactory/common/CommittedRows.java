package dev.aifactory.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Rows committed to an append-only Iceberg table, from the data files of its current snapshot
 * (no data is read). Streaming jobs never "finish"; the demo, the benchmarks and the tests watch
 * this to know when everything sent has landed.
 */
public final class CommittedRows {

  private CommittedRows() {}

  /**
   * Rows in the current snapshot from its summary ({@code total-records}): one metadata read, no
   * manifest scan, so it is cheap enough to poll while a job runs.
   */
  public static long fromSummary(Catalog catalog, TableIdentifier id) {
    if (!catalog.tableExists(id)) {
      return 0;
    }
    var snapshot = catalog.loadTable(id).currentSnapshot();
    return snapshot == null ? 0 : Long.parseLong(snapshot.summary().getOrDefault("total-records", "0"));
  }

  public static long of(Catalog catalog, TableIdentifier id) {
    if (!catalog.tableExists(id)) {
      return 0;
    }
    Table table = catalog.loadTable(id);
    if (table.currentSnapshot() == null) {
      return 0;
    }
    long rows = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        rows += task.file().recordCount();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}
