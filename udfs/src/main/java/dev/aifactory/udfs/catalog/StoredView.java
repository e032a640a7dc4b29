package dev.aifactory.udfs.catalog;

import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.catalog.CatalogView;
import org.apache.flink.table.catalog.ResolvedCatalogView;

/**
 * A view as {@link ViewCatalog} keeps it on disk: its columns with their SQL types, its query as
 * written and as expanded by the planner (fully qualified), comment and options.
 */
public record StoredView(List<StoredColumn> columns, String comment, String originalQuery, String expandedQuery,
    Map<String, String> options) {

  public record StoredColumn(String name, String type) {}

  static StoredView of(ResolvedCatalogView view) {
    List<StoredColumn> columns = view.getResolvedSchema().getColumns().stream()
        .map(c -> new StoredColumn(c.getName(), c.getDataType().getLogicalType().asSerializableString()))
        .toList();
    return new StoredView(columns, view.getComment(), view.getOriginalQuery(), view.getExpandedQuery(), view.getOptions());
  }

  CatalogView toCatalogView() {
    Schema.Builder schema = Schema.newBuilder();
    columns.forEach(c -> schema.column(c.name(), DataTypes.of(c.type())));
    return CatalogView.of(schema.build(), comment, originalQuery, expandedQuery, options == null ? Map.of() : options);
  }
}
