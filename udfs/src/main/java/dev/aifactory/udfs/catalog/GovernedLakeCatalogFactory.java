package dev.aifactory.udfs.catalog;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.policy.Policy;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.factories.CatalogFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * {@code CREATE CATALOG iceberg WITH ('type' = 'factory-lake', 'catalog-type' = 'hadoop' | 'rest',
 * 'warehouse' = '...', 'uri' = '...', 'role' = 'sql_consumer')}: the lakehouse filtered by the
 * policy for {@code role} (see {@link GovernedLakeCatalog}). {@code policy-file} names a
 * deployment's own policy; the bundled one otherwise.
 */
public final class GovernedLakeCatalogFactory implements CatalogFactory {

  public static final String IDENTIFIER = "factory-lake";
  static final ConfigOption<String> CATALOG_TYPE = ConfigOptions.key("catalog-type").stringType().defaultValue("hadoop");
  static final ConfigOption<String> WAREHOUSE = ConfigOptions.key("warehouse").stringType().defaultValue("");
  static final ConfigOption<String> URI = ConfigOptions.key("uri").stringType().defaultValue("");
  static final ConfigOption<String> ROLE = ConfigOptions.key("role").stringType().defaultValue("sql_consumer")
      .withDescription("The policy role every session of this catalog reads as.");
  static final ConfigOption<String> POLICY_FILE = ConfigOptions.key("policy-file").stringType().defaultValue("");
  static final ConfigOption<String> DEFAULT_DATABASE = ConfigOptions.key("default-database").stringType().defaultValue("gold");

  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return Set.of();
  }

  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return Set.of(CATALOG_TYPE, WAREHOUSE, URI, ROLE, POLICY_FILE, DEFAULT_DATABASE);
  }

  @Override
  public Catalog createCatalog(Context context) {
    FactoryUtil.CatalogFactoryHelper helper = FactoryUtil.createCatalogFactoryHelper(this, context);
    helper.validate();
    var options = helper.getOptions();
    Map<String, String> config = new HashMap<>();
    config.put(IcebergCatalogs.PREFIX + "type", options.get(CATALOG_TYPE));
    if (!options.get(WAREHOUSE).isBlank()) {
      config.put(IcebergCatalogs.PREFIX + "warehouse", options.get(WAREHOUSE));
    }
    if (!options.get(URI).isBlank()) {
      config.put(IcebergCatalogs.PREFIX + "uri", options.get(URI));
    }
    config.put(Policy.FILE_OPTION, options.get(POLICY_FILE));
    JobConfig job = JobConfig.of(config);
    return new GovernedLakeCatalog(context.getName(), options.get(DEFAULT_DATABASE), IcebergCatalogs.loader(job), Map.of(),
        options.get(ROLE), Policy.from(job));
  }
}
