package dev.aifactory.udfs.onnx;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The {@code WITH} options of {@code CREATE MODEL ... WITH ('provider' = 'onnx', ...)}. */
public final class OnnxModelOptions {

  private OnnxModelOptions() {}

  public static final ConfigOption<String> PATH = ConfigOptions.key("path").stringType().noDefaultValue()
      .withDescription("The ONNX file: a path or file: URI readable by every TaskManager.");
  public static final ConfigOption<String> SHA256 = ConfigOptions.key("sha256").stringType().noDefaultValue()
      .withDescription("Hex SHA-256 of the file (the registry's); a file that does not match is refused.");
  public static final ConfigOption<String> INPUT_NAME = ConfigOptions.key("input-name").stringType().noDefaultValue()
      .withDescription("The model's input tensor, [batch, number of INPUT columns] float32, columns in INPUT order.");
  public static final ConfigOption<String> OUTPUT_NAME = ConfigOptions.key("output-name").stringType().noDefaultValue()
      .withDescription("The model's output tensor, [batch, 1] float32, returned as the one OUTPUT column.");
  public static final ConfigOption<String> EXECUTION_PROVIDER = ConfigOptions.key("execution-provider").stringType()
      .defaultValue("cpu").withDescription("cpu or cuda; cuda falls back to cpu, with a log line, where it cannot run.");
  public static final ConfigOption<Integer> DEVICE_ID = ConfigOptions.key("device-id").intType().defaultValue(0);
  public static final ConfigOption<Integer> BATCH_MAX_SIZE = ConfigOptions.key("batch.max-size").intType().defaultValue(256)
      .withDescription("Async predictions are scored together, up to this many per ONNX Runtime call.");
  public static final ConfigOption<Duration> BATCH_MAX_DELAY = ConfigOptions.key("batch.max-delay").durationType()
      .defaultValue(Duration.ofMillis(5)).withDescription("How long the first prediction of a batch may wait for more.");
}
