package dev.aifactory.common.erasure;

import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Erases one subject from every table of every zone of a catalog: bronze and quarantine by its
 * raw value, silver, gold and the rest by its tokens (see {@link TableErasure} for how, and why
 * history goes too). Tables without a subject or message column are left alone.
 */
public final class Erasure {

  private Erasure() {}

  /** What was done to one table: rows removed, data files rewritten, snapshots expired. */
  public record TableResult(String table, long rowsRemoved, int filesRewritten, int snapshotsExpired) {}

  public record Report(List<TableResult> tables) {
    public long rowsRemoved() {
      return tables.stream().mapToLong(TableResult::rowsRemoved).sum();
    }
  }

  public static Report eraseEverywhere(Catalog catalog, ErasureRequest request) {
    if (!(catalog instanceof SupportsNamespaces namespaces)) {
      throw new IllegalArgumentException("catalog " + catalog.name() + " cannot list its namespaces");
    }
    List<TableResult> results = new ArrayList<>();
    for (Namespace ns : namespaces.listNamespaces()) {
      for (TableIdentifier id : catalog.listTables(ns)) {
        TableResult r = TableErasure.erase(catalog.loadTable(id), request);
        if (r.rowsRemoved() > 0) {
          results.add(r);
        }
      }
    }
    return new Report(results);
  }
}
