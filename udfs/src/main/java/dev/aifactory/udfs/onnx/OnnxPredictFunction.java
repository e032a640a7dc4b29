package dev.aifactory.udfs.onnx;

import dev.aifactory.models.runtime.BatchScorer;
import dev.aifactory.models.runtime.SharedSessions;
import java.util.Collection;
import java.util.List;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.PredictFunction;

/** Synchronous ML_PREDICT: one row, one ONNX Runtime call, over the JVM's shared session. */
public final class OnnxPredictFunction extends PredictFunction {

  private final OnnxModelSpec spec;
  private transient BatchScorer scorer;
  private transient double[] features;

  OnnxPredictFunction(OnnxModelSpec spec) {
    this.spec = spec;
  }

  @Override
  public void open(FunctionContext context) throws Exception {
    scorer = new BatchScorer(SharedSessions.acquire(spec.model(), spec.provider(), spec.deviceId()), 1);
    features = new double[spec.inputColumns().size()];
  }

  @Override
  public Collection<RowData> predict(RowData input) {
    RowFeatures.read(input, spec.inputTypes(), features);
    scorer.set(0, features);
    try {
      float score = scorer.score(1)[0];
      return List.of(GenericRowData.of(RowFeatures.output(score, spec.outputType().getTypeRoot())));
    } catch (ai.onnxruntime.OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on " + spec.name(), e);
    }
  }

  @Override
  public void close() {
    if (scorer != null) {
      scorer.close();
    }
  }
}
