package dev.aifactory.udfs.onnx;

import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.ml.PredictRuntimeProvider;

/** Both predict styles over one model spec; the planner picks async unless the query sets async to false. */
public final class OnnxModelProvider implements PredictRuntimeProvider, AsyncPredictRuntimeProvider {

  private final OnnxModelSpec spec;

  OnnxModelProvider(OnnxModelSpec spec) {
    this.spec = spec;
  }

  @Override
  public PredictFunction createPredictFunction(Context context) {
    return new OnnxPredictFunction(spec);
  }

  @Override
  public AsyncPredictFunction createAsyncPredictFunction(Context context) {
    return new BatchingAsyncPredictFunction(spec);
  }

  @Override
  public ModelProvider copy() {
    return new OnnxModelProvider(spec);
  }
}
