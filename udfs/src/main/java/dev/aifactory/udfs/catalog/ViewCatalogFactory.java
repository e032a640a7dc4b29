package dev.aifactory.udfs.catalog;

import java.nio.file.Path;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.factories.CatalogFactory;
import org.apache.flink.table.factories.FactoryUtil;

/** {@code CREATE CATALOG factory WITH ('type' = 'factory-views', 'path' = '/var/lib/factory/views')}. */
public final class ViewCatalogFactory implements CatalogFactory {

  public static final String IDENTIFIER = "factory-views";
  public static final ConfigOption<String> PATH = ConfigOptions.key("path").stringType().noDefaultValue()
      .withDescription("Folder holding the views, one sub-folder per database.");
  public static final ConfigOption<String> DEFAULT_DATABASE = ConfigOptions.key("default-database").stringType()
      .defaultValue("default");

  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return Set.of(PATH);
  }

  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return Set.of(DEFAULT_DATABASE);
  }

  @Override
  public Catalog createCatalog(Context context) {
    FactoryUtil.CatalogFactoryHelper helper = FactoryUtil.createCatalogFactoryHelper(this, context);
    helper.validate();
    return new ViewCatalog(context.getName(), helper.getOptions().get(DEFAULT_DATABASE), Path.of(helper.getOptions().get(PATH)));
  }
}
