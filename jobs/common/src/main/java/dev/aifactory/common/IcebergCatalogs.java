package dev.aifactory.common;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.flink.CatalogLoader;

/**
 * Builds the Iceberg catalog from configuration. The embedded default is a Hadoop catalog on a
 * local folder; {@code iceberg.catalog.type=jdbc|rest} plus every {@code iceberg.catalog.*}
 * property are passed through to Iceberg unchanged for real deployments.
 */
public final class IcebergCatalogs {

  public static final String PREFIX = "iceberg.catalog.";

  private IcebergCatalogs() {}

  public static CatalogLoader loader(JobConfig config) {
    Map<String, String> props = new LinkedHashMap<>(config.withPrefix(PREFIX));
    String type = props.getOrDefault("type", "hadoop");
    String name = props.getOrDefault("name", "factory");
    props.remove("name");
    if (props.containsKey(CatalogProperties.WAREHOUSE_LOCATION)) {
      String warehouse = props.get(CatalogProperties.WAREHOUSE_LOCATION);
      if (!warehouse.contains("://")) {
        // A bare folder is a local warehouse; make it absolute so every task sees the same one.
        props.put(CatalogProperties.WAREHOUSE_LOCATION, Path.of(warehouse).toAbsolutePath().toUri().toString());
      }
    }
    Configuration hadoop = new Configuration();
    config.withPrefix("hadoop.").forEach(hadoop::set);
    return switch (type) {
      case "hadoop" -> CatalogLoader.hadoop(name, hadoop, props);
      case "rest" -> CatalogLoader.rest(name, hadoop, props);
      case "jdbc" -> CatalogLoader.custom(name, props, hadoop, "org.apache.iceberg.jdbc.JdbcCatalog");
      default -> CatalogLoader.custom(name, props, hadoop, type);
    };
  }

  /** A local Hadoop catalog on a folder: tests, the demo and the benchmarks. */
  public static CatalogLoader local(Path warehouse) {
    return loader(JobConfig.of(Map.of(PREFIX + "type", "hadoop", PREFIX + "warehouse", warehouse.toString())));
  }
}
