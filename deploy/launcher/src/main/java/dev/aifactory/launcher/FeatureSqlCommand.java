package dev.aifactory.launcher;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.sql.FeatureViewSql;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints the Flink SQL generated from a feature view: the latest-values view, or a point-in-time query. */
@Command(name = "feature-sql", mixinStandardHelpOptions = true,
    description = "Print Flink SQL over a view's history table: CREATE VIEW of the newest values, or --as-of a point in time.")
final class FeatureSqlCommand implements Callable<Integer> {

  @Option(names = "--view", defaultValue = "card_activity")
  String view;

  @Option(names = "--catalog", defaultValue = "iceberg", description = "Flink catalog name of the Iceberg catalog (default: ${DEFAULT-VALUE}).")
  String catalog;

  @Option(names = "--as-of", description = "Features valid at this instant (ISO-8601) instead of the newest.")
  Instant asOf;

  @Option(names = "--emitted-by", description = "With --as-of: only rows the job had emitted by this instant.")
  Instant emittedBy;

  @Override
  public Integer call() {
    FeatureView v = FeatureViews.load(view);
    System.out.println((asOf == null ? FeatureViewSql.latestView(v, catalog) : FeatureViewSql.asOf(v, catalog, asOf, emittedBy))
        + ";");
    return 0;
  }
}
