package dev.aifactory.common.policy;

import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.classification.ClassifiedField;
import dev.aifactory.schemas.classification.Classifications;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The zone of a table and the data class of each of its columns, as the inventory reports them
 * and the governed SQL catalog enforces them: a column named like a classified contract field has
 * that field's class; {@code entity} / {@code entity_id} have the class of the field the
 * dataset declaration says they hold; columns a declaration lists (whole messages) have the
 * classes it gives; everything else is {@link Policy#UNCLASSIFIED}.
 */
public final class ColumnClasses {

  /** Zones that hold classified values raw. */
  public static final Set<String> RESTRICTED = Set.of("raw", "bronze", "quarantine");
  private static final Set<String> SUBJECT_COLUMNS = Set.of("entity", "entity_id");

  /** A column's classes and how its zone holds it: {@code raw}, a protection spec, {@code raw message}, or empty. */
  public record Column(List<String> classes, String protection) {}

  private final DatasetDeclarations declarations;
  private final Map<String, ClassifiedField> fields;

  private ColumnClasses(DatasetDeclarations declarations, Map<String, ClassifiedField> fields) {
    this.declarations = declarations;
    this.fields = fields;
  }

  /** From the bundled declarations and every bundled contract. */
  public static ColumnClasses bundled() {
    Map<String, ClassifiedField> fields = new HashMap<>();
    SchemaCatalog catalog = SchemaCatalog.bundled();
    for (String name : catalog.names()) {
      Classifications.of(catalog.contract(name).schema()).fields().forEach(f -> fields.putIfAbsent(f.name(), f));
    }
    return new ColumnClasses(DatasetDeclarations.bundled(), fields);
  }

  public Optional<DatasetDeclarations.Declaration> declaration(String table) {
    return declarations.of(table);
  }

  /** The declared zone of {@code namespace.table}, else its namespace. */
  public String zoneOf(String table) {
    return declarations.of(table).map(d -> d.zone).orElse(table.substring(0, table.indexOf('.')));
  }

  public Column of(String table, String column) {
    DatasetDeclarations.Declaration d = declarations.of(table).orElse(null);
    if (d != null && d.classes.containsKey(column)) {
      return new Column(d.classes.get(column), "raw message");
    }
    ClassifiedField classified = SUBJECT_COLUMNS.contains(column) && d != null && d.entity != null ? fields.get(d.entity) : fields.get(column);
    if (classified == null) {
      return new Column(List.of(Policy.UNCLASSIFIED), "");
    }
    return new Column(List.of(classified.dataClass().label()), RESTRICTED.contains(zoneOf(table)) ? "raw" : classified.protection().spec());
  }
}
