package dev.aifactory.udfs.onnx;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.registry.ModelRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.table.api.ValidationException;

/**
 * Resolves {@code CREATE MODEL ... WITH ('model' = 'fraud', 'version' = '3' | 'champion', ...)}
 * through the model registry: the file, its SHA-256, the tensor names and the input columns all
 * come from the registered version, never from the statement, so SQL scores only what was
 * registered. The registry's Iceberg catalog is named by {@code registry.catalog.*} options, the
 * same keys as the jobs' {@code iceberg.catalog.*}.
 */
final class RegistryModels {

  static final String CATALOG_PREFIX = "registry.catalog.";

  private RegistryModels() {}

  static ModelVersion resolve(Map<String, String> options, String name, String version, List<String> inputColumns) {
    Map<String, String> catalog = new HashMap<>();
    options.forEach((k, v) -> {
      if (k.startsWith(CATALOG_PREFIX)) {
        catalog.put(IcebergCatalogs.PREFIX + k.substring(CATALOG_PREFIX.length()), v);
      }
    });
    if (catalog.isEmpty()) {
      throw new ValidationException("model " + name + ": name the registry's Iceberg catalog with 'registry.catalog.type', "
          + "'registry.catalog.warehouse' (and 'registry.catalog.uri' for a REST catalog)");
    }
    ModelRegistry registry = ModelRegistry.openExisting(IcebergCatalogs.loader(JobConfig.of(catalog)).loadCatalog());
    ModelVersion model = find(registry, name, version);
    List<String> order = model.signature().featureOrder();
    if (!order.equals(inputColumns)) {
      throw new ValidationException("model " + model.label() + " (" + model.stage() + ") reads " + order
          + " in this order; the statement's INPUT declares " + inputColumns);
    }
    return model;
  }

  private static ModelVersion find(ModelRegistry registry, String name, String version) {
    String v = version.trim().toUpperCase(Locale.ROOT);
    if (v.equals(ModelStage.CHAMPION.name()) || v.equals(ModelStage.CHALLENGER.name())) {
      return registry.current(name, ModelStage.valueOf(v))
          .orElseThrow(() -> new ValidationException("model " + name + " has no " + v.toLowerCase(Locale.ROOT) + " in the registry"));
    }
    int number;
    try {
      number = Integer.parseInt(version.trim());
    } catch (NumberFormatException e) {
      throw new ValidationException("'version' is a version number, 'champion' or 'challenger'; got '" + version + "'");
    }
    return registry.versions(name).stream().filter(m -> m.version() == number).findFirst()
        .orElseThrow(() -> new ValidationException("model " + name + ":" + number + " is not in the registry"));
  }
}
