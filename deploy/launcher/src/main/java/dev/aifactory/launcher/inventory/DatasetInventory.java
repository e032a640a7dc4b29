package dev.aifactory.launcher.inventory;

import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.classification.ClassifiedField;
import dev.aifactory.schemas.classification.Classifications;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  private static final Set<String> RESTRICTED = Set.of("raw", "bronze", "quarantine");
  private static final Set<String> SUBJECT_COLUMNS = Set.of("entity", "entity_id");
  private static final int RECENT_SNAPSHOTS = 5;

  private DatasetInventory() {}

  public static List<Dataset> of(Catalog catalog, boolean live) {
    if (!(catalog instanceof SupportsNamespaces namespaces)) {
      throw new IllegalArgumentException("catalog " + catalog.name() + " cannot list its namespaces");
    }
    DatasetDeclarations declarations = DatasetDeclarations.bundled();
    Map<String, ClassifiedField> fields = classifiedFields();
    List<Dataset> out = new ArrayList<>();
    for (Namespace ns : namespaces.listNamespaces()) {
      for (TableIdentifier id : catalog.listTables(ns)) {
        String name = id.toString();
        var declared = declarations.of(name);
        String zone = declared.map(d -> d.zone).orElse(ns.level(0));
        Table table = catalog.loadTable(id);
        List<Dataset.Column> columns = new ArrayList<>();
        for (Types.NestedField f : table.schema().columns()) {
          columns.add(column(f, zone, declared.orElse(null), fields));
        }
        out.add(new Dataset(name, zone, declared.map(d -> d.owner).orElse("undeclared"),
            declared.map(d -> d.retention).orElse("undeclared"), declared.isPresent(), declared.map(d -> d.note).orElse(null), columns,
            live ? live(table) : null));
      }
    }
    out.sort(Comparator.comparing(Dataset::table));
    return out;
  }

  private static Dataset.Column column(Types.NestedField f, String zone, DatasetDeclarations.Declaration d, Map<String, ClassifiedField> fields) {
    String type = f.type().toString();
    if (d != null && d.classes.containsKey(f.name())) {
      return new Dataset.Column(f.name(), type, d.classes.get(f.name()), "raw message");
    }
    ClassifiedField classified = SUBJECT_COLUMNS.contains(f.name()) && d != null && d.entity != null ? fields.get(d.entity) : fields.get(f.name());
    if (classified == null) {
      return new Dataset.Column(f.name(), type, List.of("none"), "");
    }
    return new Dataset.Column(f.name(), type, List.of(classified.dataClass().label()),
        RESTRICTED.contains(zone) ? "raw" : classified.protection().spec());
  }

  /** Every classified field of every bundled contract, by name (a name means one thing across contracts). */
  private static Map<String, ClassifiedField> classifiedFields() {
    Map<String, ClassifiedField> out = new HashMap<>();
    SchemaCatalog catalog = SchemaCatalog.bundled();
    for (String name : catalog.names()) {
      Classifications.of(catalog.contract(name).schema()).fields().forEach(f -> out.putIfAbsent(f.name(), f));
    }
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
