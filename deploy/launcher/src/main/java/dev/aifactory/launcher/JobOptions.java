package dev.aifactory.launcher;

import dev.aifactory.common.lineage.LineageTransports;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A submitted job's options ({@code --key value} or {@code --key=value}) with the defaults the
 * launcher adds: an option the user named, or a properties file they gave ({@code --config}),
 * always wins.
 */
final class JobOptions {

  /**
   * Environment variables that point every command at one stack, the jobs submitted to it
   * included: the variable, and the job option it sets when the user did not.
   */
  static final Map<String, String> FROM_ENVIRONMENT = Map.of(
      "KAFKA_BOOTSTRAP_SERVERS", "kafka.bootstrap.servers",
      "FACTORY_WAREHOUSE", "iceberg.catalog.warehouse");

  private JobOptions() {}

  /** Whether the user set {@code key} (or may have, in their own properties file). */
  static boolean named(List<String> options, String key) {
    for (String o : options) {
      if (o.equals("--" + key) || o.startsWith("--" + key + "=") || o.equals("--config")) {
        return true;
      }
    }
    return false;
  }

  /** {@code options} with {@code --key value} added when the user did not set the key. */
  static List<String> withDefault(List<String> options, String key, Supplier<String> value) {
    if (named(options, key)) {
      return options;
    }
    List<String> out = new ArrayList<>(options);
    out.add("--" + key);
    out.add(value.get());
    return out;
  }

  /** {@code options} with the job options that {@link #FROM_ENVIRONMENT}'s variables set. */
  static List<String> withEnvironment(List<String> options, Map<String, String> environment) {
    List<String> out = options;
    for (var e : FROM_ENVIRONMENT.entrySet()) {
      String value = environment.get(e.getKey());
      if (value != null && !value.isBlank()) {
        out = withDefault(out, e.getValue(), () -> value);
      }
    }
    return out;
  }

  /**
   * A submitted job's {@code main} runs on the JobManager, whose working folder is not the
   * user's: unless the user chose a lineage transport, its events go to the file
   * {@code factory lineage} reads ({@code FACTORY_LINEAGE_EVENTS}, else the default), named
   * absolutely. On a remote cluster, choose a Kafka or HTTP transport instead.
   */
  static List<String> withLineageFile(List<String> options, Map<String, String> environment) {
    if (named(options, "lineage.transport.type")) {
      return options;
    }
    return withDefault(options, "lineage.transport.location", () -> java.nio.file.Path.of(
        environment.getOrDefault("FACTORY_LINEAGE_EVENTS", LineageTransports.DEFAULT_FILE)).toAbsolutePath().normalize().toString());
  }
}
