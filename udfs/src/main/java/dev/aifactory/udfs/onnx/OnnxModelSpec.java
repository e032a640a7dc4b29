package dev.aifactory.udfs.onnx;

import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.runtime.ExecutionProvider;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * Everything a predict function needs, resolved once, at planning: the registered model version
 * (file, SHA-256, signature) and the statement's column types.
 */
public record OnnxModelSpec(String name, ModelVersion model, LogicalTypeRoot[] inputTypes, LogicalType outputType,
    ExecutionProvider provider, int deviceId, int batchMaxSize, Duration batchMaxDelay) implements Serializable {

  public List<String> inputColumns() {
    return model.signature().featureOrder();
  }
}
