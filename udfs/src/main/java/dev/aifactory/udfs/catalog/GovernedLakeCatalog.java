package dev.aifactory.udfs.catalog;

import dev.aifactory.common.policy.AccessRequest;
import dev.aifactory.common.policy.ColumnClasses;
import dev.aifactory.common.policy.Decision;
import dev.aifactory.common.policy.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.Factory;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.CatalogDatabase;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.TableChange;
import org.apache.flink.table.catalog.exceptions.CatalogException;
import org.apache.flink.table.catalog.exceptions.DatabaseNotExistException;
import org.apache.flink.table.catalog.exceptions.TableNotExistException;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkCatalog;
import org.apache.iceberg.flink.FlinkDynamicTableFactory;

/**
 * The lakehouse as SQL Gateway sessions see it: Iceberg's own Flink catalog, read only, and
 * filtered by the policy for one role. A column whose data class the role may not read in its
 * table's zone is not in the table's schema at all, a table with no readable column is not
 * listed, and asking for it fails with the rule that denies it. The raw catalog is never
 * registered in the gateway, so this is the only way its sessions reach tables; the factory's
 * views read through it too, and so never need more than the role may read.
 */
public final class GovernedLakeCatalog extends FlinkCatalog {

  private final String role;
  private final Policy policy;
  private final ColumnClasses classes;

  public GovernedLakeCatalog(String name, String defaultDatabase, CatalogLoader loader, Map<String, String> props, String role, Policy policy) {
    super(name, defaultDatabase, Namespace.empty(), loader, props, false, -1);
    this.role = role;
    this.policy = policy;
    this.classes = ColumnClasses.bundled();
  }

  @Override
  public List<String> listTables(String database) throws DatabaseNotExistException, CatalogException {
    List<String> out = new ArrayList<>();
    for (String t : super.listTables(database)) {
      if (tableExists(new ObjectPath(database, t))) {
        out.add(t);
      }
    }
    return out;
  }

  @Override
  public boolean tableExists(ObjectPath path) throws CatalogException {
    try {
      return super.tableExists(path) && !readable(path.getFullName(), columnsOf(path)).isEmpty();
    } catch (TableNotExistException e) {
      return false;
    }
  }

  @Override
  public CatalogTable getTable(ObjectPath path) throws TableNotExistException, CatalogException {
    CatalogTable table = (CatalogTable) super.getTable(path);
    String name = path.getFullName();
    List<Schema.UnresolvedColumn> kept = new ArrayList<>();
    Decision firstDenial = null;
    for (Schema.UnresolvedColumn c : table.getUnresolvedSchema().getColumns()) {
      Decision d = decide(name, c.getName());
      if (d.allowed()) {
        kept.add(c);
      } else if (firstDenial == null || firstDenial.rule() == null) {
        firstDenial = d; // a forbidding rule says more than "no rule permits"
      }
    }
    if (kept.isEmpty()) {
      throw new CatalogException("table " + name + " is not readable by role '" + role + "': " + firstDenial.reason());
    }
    if (kept.size() == table.getUnresolvedSchema().getColumns().size()) {
      return table;
    }
    List<String> names = kept.stream().map(Schema.UnresolvedColumn::getName).toList();
    return CatalogTable.newBuilder()
        .schema(Schema.newBuilder().fromColumns(kept).build())
        .comment(table.getComment())
        .partitionKeys(table.getPartitionKeys().stream().filter(names::contains).toList())
        .options(table.getOptions())
        .build();
  }

  private List<String> columnsOf(ObjectPath path) throws TableNotExistException {
    return ((CatalogTable) super.getTable(path)).getUnresolvedSchema().getColumns().stream().map(Schema.UnresolvedColumn::getName).toList();
  }

  private List<String> readable(String table, List<String> columns) {
    return columns.stream().filter(c -> decide(table, c).allowed()).toList();
  }

  /** Every class of the column must be readable by the role in the table's zone. */
  private Decision decide(String table, String column) {
    String zone = classes.zoneOf(table);
    Decision last = null;
    for (String dataClass : classes.of(table, column).classes()) {
      last = policy.evaluate(AccessRequest.role(role, zone, dataClass));
      if (!last.allowed()) {
        return last;
      }
    }
    return last;
  }

  // --- read only: the jobs write tables, sessions do not ------------------------------------

  /** Sources through Iceberg's own factory; sinks refused, so INSERT fails with a clear reason. */
  @Override
  public Optional<Factory> getFactory() {
    FlinkDynamicTableFactory iceberg = new FlinkDynamicTableFactory(this);
    return Optional.of(new ReadOnly(iceberg, getName()));
  }

  private record ReadOnly(FlinkDynamicTableFactory iceberg, String catalog) implements DynamicTableSourceFactory, DynamicTableSinkFactory {
    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
      return iceberg.createDynamicTableSource(context);
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
      throw new ValidationException("catalog " + catalog + " is read only: tables are written by the factory's jobs");
    }

    @Override
    public String factoryIdentifier() {
      return iceberg.factoryIdentifier();
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
      return iceberg.requiredOptions();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
      return iceberg.optionalOptions();
    }
  }

  private CatalogException readOnly() {
    return new CatalogException("catalog " + getName() + " is read only: tables are written by the factory's jobs");
  }

  @Override
  public void createDatabase(String name, CatalogDatabase database, boolean ignoreIfExists) {
    throw readOnly();
  }

  @Override
  public void dropDatabase(String name, boolean ignoreIfNotExists, boolean cascade) {
    throw readOnly();
  }

  @Override
  public void alterDatabase(String name, CatalogDatabase database, boolean ignoreIfNotExists) {
    throw readOnly();
  }

  @Override
  public void createTable(ObjectPath path, CatalogBaseTable table, boolean ignoreIfExists) {
    throw readOnly();
  }

  @Override
  public void dropTable(ObjectPath path, boolean ignoreIfNotExists) {
    throw readOnly();
  }

  @Override
  public void renameTable(ObjectPath path, String newName, boolean ignoreIfNotExists) {
    throw readOnly();
  }

  @Override
  public void alterTable(ObjectPath path, CatalogBaseTable table, boolean ignoreIfNotExists) {
    throw readOnly();
  }

  @Override
  public void alterTable(ObjectPath path, CatalogBaseTable table, List<TableChange> changes, boolean ignoreIfNotExists) {
    throw readOnly();
  }
}
