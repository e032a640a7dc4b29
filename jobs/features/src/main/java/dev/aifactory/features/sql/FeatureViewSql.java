package dev.aifactory.features.sql;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.sink.FeatureTables;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * Flink SQL over a view's history table, generated from the view definition (so SQL users read
 * the same features the jobs write, by name and version):
 *
 * <ul>
 *   <li>{@link #latestView}: each entity's newest row, expired entities left out — what the
 *       online store serves, for SQL Gateway users — from the latest table the job upserts;
 *   <li>{@link #asOf}: each entity's row valid at an instant, optionally as it had been emitted
 *       by a second instant — a point-in-time read.
 * </ul>
 *
 * {@code catalog} is the Flink catalog name under which the Iceberg catalog is registered.
 */
public final class FeatureViewSql {

  private FeatureViewSql() {}

  public static String latestViewName(FeatureView view) {
    return "features_" + view.name() + "_v" + view.version() + "_latest";
  }

  /** {@code CREATE VIEW} of every live entity's newest feature values: a filtered read of the latest table. */
  public static String latestView(FeatureView view, String catalog) {
    return "CREATE VIEW IF NOT EXISTS " + q(latestViewName(view)) + " AS\n"
        + "SELECT entity AS " + q(view.entity()) + ", valid_from, emitted_at, " + features(view) + "\n"
        + "FROM " + q(catalog) + ".`gold`." + q(FeatureTables.latest(view).name()) + "\n"
        + "WHERE " + ofThisVersion(view);
  }

  /** Each entity's features valid at {@code validAt}; with {@code emittedBy}, only rows emitted by then. */
  public static String asOf(FeatureView view, String catalog, Instant validAt, Instant emittedBy) {
    return newest(view, catalog, validAt, emittedBy);
  }

  private static String newest(FeatureView view, String catalog, Instant validAt, Instant emittedBy) {
    String table = q(catalog) + ".`gold`." + q(FeatureTables.history(view).name());
    StringBuilder where = new StringBuilder(ofThisVersion(view));
    if (validAt != null) {
      where.append(" AND valid_from <= TO_TIMESTAMP_LTZ(").append(validAt.toEpochMilli()).append(", 3)");
    }
    if (emittedBy != null) {
      where.append(" AND emitted_at <= TO_TIMESTAMP_LTZ(").append(emittedBy.toEpochMilli()).append(", 3)");
    }
    return "SELECT entity AS " + q(view.entity()) + ", valid_from, emitted_at, " + features(view) + "\n"
        + "FROM (\n"
        + "  SELECT *, ROW_NUMBER() OVER (PARTITION BY entity ORDER BY valid_from DESC, emitted_at DESC) AS rn\n"
        + "  FROM " + table + "\n"
        + "  WHERE " + where + ")\n"
        + "WHERE rn = 1 AND NOT tombstone";
  }

  private static String features(FeatureView view) {
    return view.features().stream().map(f -> q(f.name())).collect(Collectors.joining(", "));
  }

  private static String ofThisVersion(FeatureView view) {
    return "feature_view = '" + view.name() + "' AND feature_view_version = " + view.version();
  }

  private static String q(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }
}
