package dev.aifactory.udfs.catalog;

import java.nio.file.Path;
import java.util.regex.Pattern;
import org.apache.flink.table.catalog.exceptions.CatalogException;

/**
 * The names the view catalog accepts for databases and views, and the one place that turns them
 * into paths. A name becomes a folder or a file on the gateway host, so a name like {@code ..},
 * {@code /etc} or {@code a/b} would reach outside the catalog folder (and {@code DROP DATABASE …
 * CASCADE} would delete it). Only plain SQL identifiers are accepted, and every resolved path is
 * checked to sit directly under its parent inside the catalog folder, so a rule missed here still
 * cannot escape.
 */
final class CatalogNames {

  /** Letters, digits and underscores, not starting with a digit: what an unquoted SQL name allows. */
  static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private final Path root;

  CatalogNames(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  static String require(String kind, String name) {
    if (!isValid(name)) {
      throw new CatalogException(kind + " name '" + printable(name) + "' is refused: the factory view catalog accepts "
          + NAME.pattern() + " only (letters, digits and underscores), because names become folders and files");
    }
    return name;
  }

  Path database(String database) {
    return confined(root.resolve(require("database", database)), root);
  }

  Path view(String database, String view) {
    Path parent = database(database);
    return confined(parent.resolve(require("view", view) + ".json"), parent);
  }

  private static Path confined(Path candidate, Path parent) {
    Path normalized = candidate.toAbsolutePath().normalize();
    if (!parent.equals(normalized.getParent())) {
      throw new CatalogException("path " + normalized + " is outside the view catalog folder " + parent);
    }
    return normalized;
  }

  private static String printable(String name) {
    if (name == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    name.codePoints().limit(64).forEach(c -> out.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\u%04x", c)));
    return name.length() > 64 ? out + "…" : out.toString();
  }
}
