package dev.aifactory.training.onnx;

import ai.onnx.proto.OnnxMl;
import dev.aifactory.models.ModelSignature;
import dev.aifactory.training.model.LogisticModel;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;

/**
 * Writes a {@link LogisticModel} as an ONNX graph of standard opset-13 operators, preprocessing
 * included, so every provider (CPU, CUDA) runs it and every tier feeds it raw features:
 *
 * <pre>x[batch, F] → Where(IsNaN(x), 0, x) → Relu → Log(1 + ·) → (· − mean) / scale → Gemm(W, b) → Sigmoid → p[batch, 1]</pre>
 *
 * The input's name and column order come from the signature (the feature-view version); the
 * signature is also written into the model's metadata, so a file describes itself.
 */
public final class OnnxExport {

  public static final String PRODUCER = "aifactory-training";

  private OnnxExport() {}

  public static byte[] toBytes(LogisticModel model, ModelSignature signature, String modelName, int version) {
    if (signature.width() != model.width()) {
      throw new IllegalArgumentException("signature has " + signature.width() + " features, model " + model.width());
    }
    ONNXContext ctx = new ONNXContext();
    ctx.setName(modelName + "_v" + version);
    int width = model.width();
    ONNXPlaceholder x = ctx.floatInput(signature.inputName(), width);
    ONNXPlaceholder out = ctx.floatOutput(signature.outputName(), 1);

    ONNXInitializer zero = ctx.constant("zero", 0f);
    ONNXInitializer one = ctx.constant("one", 1f);
    ONNXNode missing = x.apply(ExtraOperators.IS_NAN, "missing");
    ONNXNode imputed = ctx.operation(ONNXOperators.WHERE, List.of(missing, zero, x), "imputed");
    ONNXNode squashed = imputed.apply(ExtraOperators.RELU, "clipped")
        .apply(ONNXOperators.ADD, one, "plus_one")
        .apply(ExtraOperators.LOG, "log1p");
    ONNXNode standardized = squashed
        .apply(ONNXOperators.SUB, ctx.array("mean", toFloats(model.mean())), "centered")
        .apply(ONNXOperators.DIV, ctx.array("scale", toFloats(model.scale())), "standardized");
    ONNXInitializer weights = ctx.floatTensor("weights", List.of(width, 1), buffer -> {
      for (double w : model.weights()) {
        buffer.put((float) w);
      }
    });
    ONNXInitializer bias = ctx.array("bias", new float[] {(float) model.bias()});
    ONNXNode logit = ctx.operation(ONNXOperators.GEMM, List.of(standardized, weights, bias), "logit", Map.of());
    ctx.assignTo(logit.apply(ONNXOperators.SIGMOID, "probability"), out);

    OnnxMl.ModelProto proto = OnnxMl.ModelProto.newBuilder()
        .setIrVersion(7)
        .addOpsetImport(ONNXOperators.getOpsetProto())
        .setProducerName(PRODUCER)
        .setDomain("dev.aifactory")
        .setModelVersion(version)
        .setDocString("Fraud probability from " + signature.featureView() + " v" + signature.featureViewVersion())
        .setGraph(ctx.buildGraph())
        .addMetadataProps(meta("feature_view", signature.featureView()))
        .addMetadataProps(meta("feature_view_version", String.valueOf(signature.featureViewVersion())))
        .addMetadataProps(meta("feature_view_sha256", signature.featureViewSha256()))
        .addMetadataProps(meta("feature_order", String.join(",", signature.featureOrder())))
        .build();
    return proto.toByteArray();
  }

  private static OnnxMl.StringStringEntryProto meta(String key, String value) {
    return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  private static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
