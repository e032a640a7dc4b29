package dev.aifactory.udfs.onnx;

import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.runtime.ExecutionProvider;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/** Everything a predict function needs, resolved from the catalog model once, at planning. */
public record OnnxModelSpec(String name, String path, String sha256, String inputName, String outputName, List<String> inputColumns,
    LogicalTypeRoot[] inputTypes, LogicalType outputType, ExecutionProvider provider, int deviceId, int batchMaxSize,
    Duration batchMaxDelay) implements Serializable {

  /** The model as the runtime sees it: a version identified by its file's checksum. */
  public ModelVersion model() {
    ModelSignature signature = new ModelSignature("sql", 0, "", inputColumns, inputName, outputName);
    return new ModelVersion(name, 0, ModelStage.CHAMPION, path, sha256, signature);
  }
}
