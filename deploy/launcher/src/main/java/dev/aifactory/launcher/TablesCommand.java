package dev.aifactory.launcher;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.cost.sink.CostTables;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.sink.FeatureTables;
import dev.aifactory.ingest.IngestSettings;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.scoring.sink.PredictionTable;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.iceberg.catalog.Catalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Creates every table the jobs write, empty, with the jobs' own code: the SQL views over them
 * (deploy/sql) can then be created on a fresh stack, before any job has run. Idempotent.
 */
@Command(name = "tables", mixinStandardHelpOptions = true,
    description = "Create the tables every job writes (empty, if missing), so SQL views over them can be created on a fresh stack.")
final class TablesCommand implements Callable<Integer> {

  /** The bundled feature views whose history tables the SQL views read. */
  static final List<String> VIEWS = List.of("card_activity", "merchant_activity");

  @Option(names = "--warehouse", defaultValue = "${env:FACTORY_WAREHOUSE:-.factory/warehouse}",
      description = "The jobs' Hadoop warehouse (default: ${DEFAULT-VALUE}, as the jobs' defaults).")
  String warehouse;

  @Parameters(arity = "0..*", description = "More options as --key value pairs (iceberg.catalog.*).")
  List<String> options = List.of();

  @Override
  public Integer call() {
    JobConfig config = WarehouseConfig.load("ingest-defaults.properties", warehouse, options);
    createAll(config);
    System.out.println("tables ready in " + warehouse);
    return 0;
  }

  static void createAll(JobConfig config) {
    IngestTables.ensureExist(IcebergCatalogs.loader(config), IngestSettings.from(config));
    Catalog catalog = IcebergCatalogs.loader(config).loadCatalog();
    VIEWS.forEach(view -> FeatureTables.ensureExist(catalog, FeatureViews.load(view)));
    PredictionTable.ensureExists(catalog);
    FeatureTables.ensureDroppedTable(catalog, PredictionTable.UNSCORED);
    CostTables.ensureExist(catalog);
  }
}
