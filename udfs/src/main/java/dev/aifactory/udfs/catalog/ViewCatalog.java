package dev.aifactory.udfs.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.CatalogDatabase;
import org.apache.flink.table.catalog.CatalogDatabaseImpl;
import org.apache.flink.table.catalog.CatalogView;
import org.apache.flink.table.catalog.GenericInMemoryCatalog;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.ResolvedCatalogView;
import org.apache.flink.table.catalog.exceptions.CatalogException;
import org.apache.flink.table.catalog.exceptions.DatabaseAlreadyExistException;
import org.apache.flink.table.catalog.exceptions.DatabaseNotEmptyException;
import org.apache.flink.table.catalog.exceptions.DatabaseNotExistException;
import org.apache.flink.table.catalog.exceptions.TableAlreadyExistException;
import org.apache.flink.table.catalog.exceptions.TableNotExistException;

/**
 * A catalog of SQL views that survives restarts: every SQL Gateway session sees the same views.
 * Flink's in-memory catalog lives and dies with a session, and Iceberg's Flink catalog holds
 * tables only, so the factory's governed views (deploy/sql/) live here: one folder per database,
 * one JSON file per view (its columns, its query and the planner's expanded query). Tables stay
 * in the Iceberg catalog; the views read them by their full names.
 */
public final class ViewCatalog extends GenericInMemoryCatalog {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path folder;
  private final CatalogNames names;

  public ViewCatalog(String name, String defaultDatabase, Path folder) {
    super(name, CatalogNames.require("database", defaultDatabase));
    this.folder = folder;
    this.names = new CatalogNames(folder);
  }

  @Override
  public void open() {
    super.open();
    try {
      Files.createDirectories(names.database(getDefaultDatabase()));
      try (Stream<Path> databases = Files.list(folder)) {
        // Folders whose names the catalog would refuse were not made by it: skip them.
        for (Path database : databases.filter(Files::isDirectory).filter(d -> CatalogNames.isValid(d.getFileName().toString())).sorted().toList()) {
          String db = database.getFileName().toString();
          if (!super.databaseExists(db)) {
            super.createDatabase(db, new CatalogDatabaseImpl(Map.of(), null), true);
          }
          try (Stream<Path> views = Files.list(database)) {
            for (Path file : views.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
              String view = file.getFileName().toString().replaceFirst("\\.json$", "");
              if (!CatalogNames.isValid(view)) {
                continue;
              }
              super.createTable(new ObjectPath(db, view), JSON.readValue(file.toFile(), StoredView.class).toCatalogView(), true);
            }
          }
        }
      }
    } catch (IOException | DatabaseAlreadyExistException | TableAlreadyExistException | DatabaseNotExistException e) {
      throw new CatalogException("cannot load the views under " + folder, e);
    }
  }

  @Override
  public void createDatabase(String name, CatalogDatabase database, boolean ignoreIfExists) throws DatabaseAlreadyExistException {
    Path path = names.database(name);
    super.createDatabase(name, database, ignoreIfExists);
    io(() -> Files.createDirectories(path));
  }

  @Override
  public void dropDatabase(String name, boolean ignoreIfNotExists, boolean cascade)
      throws DatabaseNotExistException, DatabaseNotEmptyException {
    Path path = names.database(name);
    super.dropDatabase(name, ignoreIfNotExists, cascade);
    io(() -> {
      if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        // Files.walk does not follow links, so a link planted in the folder is removed, not its target.
        try (Stream<Path> files = Files.walk(path)) {
          for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      return null;
    });
  }

  @Override
  public void createTable(ObjectPath path, CatalogBaseTable table, boolean ignoreIfExists)
      throws TableAlreadyExistException, DatabaseNotExistException {
    file(path);
    boolean existed = tableExists(path);
    super.createTable(path, requireView(table), ignoreIfExists);
    if (!existed) {
      write(path, table);
    }
  }

  @Override
  public void alterTable(ObjectPath path, CatalogBaseTable table, boolean ignoreIfNotExists) throws TableNotExistException {
    file(path);
    super.alterTable(path, requireView(table), ignoreIfNotExists);
    if (tableExists(path)) {
      write(path, table);
    }
  }

  @Override
  public void dropTable(ObjectPath path, boolean ignoreIfNotExists) throws TableNotExistException {
    Path file = file(path);
    super.dropTable(path, ignoreIfNotExists);
    io(() -> Files.deleteIfExists(file));
  }

  @Override
  public void renameTable(ObjectPath path, String newName, boolean ignoreIfNotExists) {
    throw new CatalogException("views in " + getName() + " are renamed by DROP VIEW and CREATE VIEW");
  }

  private static CatalogBaseTable requireView(CatalogBaseTable table) {
    if (!(table instanceof CatalogView)) {
      throw new CatalogException("this catalog holds views only; create tables in the Iceberg catalog");
    }
    return table;
  }

  private void write(ObjectPath path, CatalogBaseTable table) {
    if (!(table instanceof ResolvedCatalogView resolved)) {
      throw new CatalogException("view " + path + " reached the catalog unresolved; create it through SQL or the Table API");
    }
    io(() -> {
      Path tmp = file(path).resolveSibling(path.getObjectName() + ".json.tmp");
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), StoredView.of(resolved));
      // Replace atomically: a gateway restarting meanwhile reads the old view or the new one.
      return Files.move(tmp, file(path), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    });
  }

  private Path file(ObjectPath path) {
    return names.view(path.getDatabaseName(), path.getObjectName());
  }

  private interface IoAction {
    Object run() throws IOException;
  }

  private static void io(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
