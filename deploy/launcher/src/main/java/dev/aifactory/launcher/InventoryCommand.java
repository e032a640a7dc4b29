package dev.aifactory.launcher;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.launcher.inventory.Dataset;
import dev.aifactory.launcher.inventory.DatasetInventory;
import dev.aifactory.launcher.inventory.FeatureViewCard;
import dev.aifactory.launcher.inventory.InventoryFormat;
import dev.aifactory.models.registry.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.iceberg.catalog.Catalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code factory inventory}: the dataset inventory of a warehouse (live: rows, freshness,
 * snapshots), or with {@code --bundled} of the tables the code creates and the cards of the
 * bundled feature views, which the build keeps committed under {@code deploy/governance/} and
 * fails when they are stale.
 */
@Command(name = "inventory", mixinStandardHelpOptions = true,
    description = "Write the dataset inventory (Markdown and JSON): owner, zone, retention, classes per column; live sizes and freshness.")
final class InventoryCommand implements Callable<Integer> {

  static final Path BUNDLED_OUT = Path.of("deploy", "governance");

  @Option(names = "--warehouse", defaultValue = "${env:FACTORY_WAREHOUSE:-.factory/warehouse}", description = "The warehouse (default: ${DEFAULT-VALUE}).")
  String warehouse;

  @Option(names = "--out", description = "Folder for inventory.md and inventory.json (default: deploy/governance with --bundled, else .factory/inventory).")
  Path out;

  @Option(names = "--bundled", description = "Describe the tables the jobs create, from a fresh empty warehouse (what the build checks).")
  boolean bundled;

  @Parameters(arity = "0..*", description = "More options as --key value pairs (iceberg.catalog.*).")
  List<String> options = List.of();

  @Override
  public Integer call() throws IOException {
    Map<String, String> files = bundled ? bundledFiles() : liveFiles(WarehouseConfig.load("ingest-defaults.properties", warehouse, options));
    Path folder = out != null ? out : bundled ? BUNDLED_OUT : Path.of(".factory", "inventory");
    Files.createDirectories(folder);
    for (var e : files.entrySet()) {
      Path file = folder.resolve(e.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue());
    }
    System.out.println("inventory written to " + folder.toAbsolutePath());
    return 0;
  }

  /** The inventory of what the code creates: every job's tables in a fresh warehouse, no live figures. */
  static Map<String, String> bundledFiles() throws IOException {
    Path tmp = Files.createTempDirectory("factory-inventory");
    try {
      JobConfig config = JobConfig.load("ingest-defaults.properties", "--iceberg.catalog.warehouse", tmp.toString());
      TablesCommand.createAll(config);
      Catalog catalog = IcebergCatalogs.loader(config).loadCatalog();
      ModelRegistry.open(catalog);
      Map<String, String> files = new java.util.TreeMap<>(files(DatasetInventory.of(catalog, false),
          "Dataset inventory: the tables the factory's jobs create"));
      for (String name : TablesCommand.VIEWS) {
        FeatureView view = FeatureViews.load(name);
        files.put("cards/" + view.id() + ".md", FeatureViewCard.markdown(view));
      }
      return files;
    } finally {
      try (var paths = Files.walk(tmp)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Map<String, String> liveFiles(JobConfig config) {
    return files(DatasetInventory.of(IcebergCatalogs.loader(config).loadCatalog(), true), "Dataset inventory");
  }

  private static Map<String, String> files(List<Dataset> datasets, String title) {
    return Map.of("inventory.md", InventoryFormat.markdown(datasets, title), "inventory.json", InventoryFormat.json(datasets));
  }
}
