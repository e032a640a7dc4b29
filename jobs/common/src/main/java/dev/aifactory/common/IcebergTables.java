package dev.aifactory.common;

import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;

/** Creating the tables a job writes before it starts, safely when several processes race to. */
public final class IcebergTables {

  private IcebergTables() {}

  /** Creates the namespace and the table if missing (losing a race to another creator is fine) and loads it. */
  public static Table createIfMissing(Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec) {
    return createIfMissing(catalog, id, schema, spec, Map.of());
  }

  /** {@link #createIfMissing}, with table properties set when this call creates it. */
  public static Table createIfMissing(Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec,
      Map<String, String> properties) {
    if (catalog instanceof SupportsNamespaces namespaces && id.hasNamespace() && !namespaces.namespaceExists(id.namespace())) {
      try {
        namespaces.createNamespace(id.namespace());
      } catch (AlreadyExistsException raced) {
        // created by another process meanwhile
      }
    }
    if (!catalog.tableExists(id)) {
      try {
        catalog.buildTable(id, schema).withPartitionSpec(spec).withProperties(properties).create();
      } catch (AlreadyExistsException raced) {
        // created by another process meanwhile
      }
    }
    return catalog.loadTable(id);
  }

  /**
   * {@link #createIfMissing}, and a table created by an earlier release gets the optional
   * columns the schema has added since (Iceberg schema evolution: old files read them as null).
   */
  public static Table createOrAddColumns(Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec) {
    Table table = createIfMissing(catalog, id, schema, spec);
    boolean missing = schema.columns().stream().anyMatch(c -> table.schema().findField(c.name()) == null);
    if (missing) {
      table.updateSchema().unionByNameWith(schema).commit();
      table.refresh();
    }
    return table;
  }
}
