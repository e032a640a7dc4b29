package dev.aifactory.common.lineage;

import dev.aifactory.common.JobConfig;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.transports.Transport;
import io.openlineage.client.transports.TransportConfig;
import io.openlineage.client.transports.TransportFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where lineage events go, in OpenLineage's own transport configuration under
 * {@code lineage.transport.}: {@code type} is {@code file} (the default, one JSON event per line
 * at {@code location}), {@code kafka} ({@code topicName}, producer settings under
 * {@code properties.}; the brokers default to the job's), {@code http} ({@code url}, for
 * example a Marquez server, and {@code endpoint}), {@code console} or {@code noop}. The keys are
 * the client's, so its documentation applies as written.
 */
public final class LineageTransports {

  public static final String PREFIX = "lineage.transport.";
  /** Beside the default warehouse ({@code .factory/warehouse}), where {@code factory lineage} reads. */
  public static final String DEFAULT_FILE = ".factory/lineage/events.jsonl";

  private LineageTransports() {}

  public static Transport from(JobConfig config) {
    return new TransportFactory(configOf(config)).build();
  }

  /** The transport's configuration as OpenLineage's client parses it from its own YAML. */
  static TransportConfig configOf(JobConfig config) {
    Map<String, String> flat = config.withPrefix(PREFIX);
    String type = flat.getOrDefault("type", "file");
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("type", type);
    Properties properties = new Properties();
    flat.forEach((key, value) -> {
      if (key.startsWith("properties.")) {
        properties.setProperty(key.substring("properties.".length()), value);
      } else if (!key.equals("type")) {
        nested.put(key, value);
      }
    });
    switch (type) {
      case "file" -> nested.putIfAbsent("location", DEFAULT_FILE);
      case "kafka" -> {
        nested.putIfAbsent("topicName", "lineage");
        properties.putIfAbsent("bootstrap.servers", config.get("kafka.bootstrap.servers", "localhost:9092"));
        properties.putIfAbsent("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        properties.putIfAbsent("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        // One event per record and no retries to wait on: acks from every replica before the run goes on.
        properties.putIfAbsent("acks", "all");
      }
      default -> { }
    }
    if (!properties.isEmpty()) {
      nested.put("properties", properties);
    }
    try {
      return OpenLineageClientUtils.convertValue(nested, TransportConfig.class);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("lineage.transport.* does not describe an OpenLineage transport: " + flat, e);
    }
  }
}
