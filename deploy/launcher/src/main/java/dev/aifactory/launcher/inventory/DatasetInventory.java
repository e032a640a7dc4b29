package dev.aifactory.launcher.inventory;

import dev.aifactory.common.policy.ColumnClasses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/**
 * The dataset inventory of a catalog: every table with its zone, owner and retention (from
 * {@code governance/datasets.yaml}), and each column's data class and protection (from the
 * schemas' classifications); with {@code live}, also row counts, freshness and recent snapshots.
 */
public final class DatasetInventory {

  private static final int RECENT_SNAPSHOTS = 5;

  private DatasetInventory() {}

  public static List<Dataset> of(Catalog catalog, boolean live) {
    if (!(catalog instanceof SupportsNamespaces namespaces)) {
      throw new IllegalArgumentException("catalog " + catalog.name() + " cannot list its namespaces");
    }
    ColumnClasses classes = ColumnClasses.bundled();
    List<Dataset> out = new ArrayList<>();
    for (Namespace ns : namespaces.listNamespaces()) {
      for (TableIdentifier id : catalog.listTables(ns)) {
        String name = id.toString();
        var declared = classes.declaration(name);
        String zone = classes.zoneOf(name);
        Table table = catalog.loadTable(id);
        List<Dataset.Column> columns = new ArrayList<>();
        for (Types.NestedField f : table.schema().columns()) {
          ColumnClasses.Column c = classes.of(name, f.name());
          columns.add(new Dataset.Column(f.name(), f.type().toString(), c.classes(), c.protection()));
        }
        out.add(new Dataset(name, zone, declared.map(d -> d.owner).orElse("undeclared"),
            declared.map(d -> d.retention).orElse("undeclared"), declared.isPresent(), declared.map(d -> d.note).orElse(null), columns,
            live ? live(table) : null));
      }
    }
    out.sort(Comparator.comparing(Dataset::table));
    return out;
  }

  private static Dataset.Live live(Table table) {
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return new Dataset.Live(0, 0, null, List.of());
    }
    Map<String, String> summary = current.summary();
    List<Dataset.SnapshotEntry> recent = new ArrayList<>();
    List<Snapshot> all = new ArrayList<>();
    table.snapshots().forEach(all::add);
    all.sort(Comparator.comparingLong(Snapshot::timestampMillis).reversed());
    for (Snapshot s : all.subList(0, Math.min(RECENT_SNAPSHOTS, all.size()))) {
      recent.add(new Dataset.SnapshotEntry(s.snapshotId(), Instant.ofEpochMilli(s.timestampMillis()).toString(), s.operation(),
          s.summary().getOrDefault("added-records", "0")));
    }
    return new Dataset.Live(Long.parseLong(summary.getOrDefault("total-records", "0")),
        Long.parseLong(summary.getOrDefault("total-data-files", "0")), Instant.ofEpochMilli(current.timestampMillis()).toString(), recent);
  }
}
