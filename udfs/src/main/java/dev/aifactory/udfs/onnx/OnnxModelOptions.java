package dev.aifactory.udfs.onnx;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The {@code WITH} options of {@code CREATE MODEL ... WITH ('provider' = 'onnx', ...)}, besides
 * the registry's catalog ({@code registry.catalog.*}). There is no path or checksum option on
 * purpose: both come from the registry.
 */
public final class OnnxModelOptions {

  private OnnxModelOptions() {}

  public static final ConfigOption<String> MODEL = ConfigOptions.key("model").stringType().noDefaultValue()
      .withDescription("The model's name in the registry (models.registry).");
  public static final ConfigOption<String> VERSION = ConfigOptions.key("version").stringType().noDefaultValue()
      .withDescription("A registered version number, or 'champion' / 'challenger' for the current holder of that stage.");
  public static final ConfigOption<String> EXECUTION_PROVIDER = ConfigOptions.key("execution-provider").stringType()
      .defaultValue("cpu").withDescription("cpu or cuda; cuda falls back to cpu, with a log line, where it cannot run.");
  public static final ConfigOption<Integer> DEVICE_ID = ConfigOptions.key("device-id").intType().defaultValue(0);
  public static final ConfigOption<Integer> BATCH_MAX_SIZE = ConfigOptions.key("batch.max-size").intType().defaultValue(256)
      .withDescription("Async predictions are scored together, up to this many per ONNX Runtime call.");
  public static final ConfigOption<Duration> BATCH_MAX_DELAY = ConfigOptions.key("batch.max-delay").durationType()
      .defaultValue(Duration.ofMillis(5)).withDescription("How long the first prediction of a batch may wait for more.");
}
