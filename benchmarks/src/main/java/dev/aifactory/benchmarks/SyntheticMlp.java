package dev.aifactory.benchmarks;

import ai.onnx.proto.OnnxMl;
import dev.aifactory.models.ModelSignature;
import dev.aifactory.training.onnx.ExtraOperators;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * A heavier model with the fraud model's signature: a multi-layer perceptron
 * (features → hidden → hidden → 1, ReLU, sigmoid) with random weights. Its scores mean nothing;
 * it shows how the scoring operator's overhead compares once inference itself costs microseconds
 * per row rather than the logistic regression's tens of nanoseconds.
 */
final class SyntheticMlp {

  private SyntheticMlp() {}

  static byte[] onnx(ModelSignature signature, int hidden, long seed) {
    Random random = new Random(seed);
    ONNXContext ctx = new ONNXContext();
    ctx.setName("synthetic_mlp");
    ONNXPlaceholder x = ctx.floatInput(signature.inputName(), signature.width());
    ONNXPlaceholder out = ctx.floatOutput(signature.outputName(), 1);
    ONNXRef<?> layer = x;
    int in = signature.width();
    int[] widths = {hidden, hidden, 1};
    for (int l = 0; l < widths.length; l++) {
      int fanIn = in;
      int fanOut = widths[l];
      ONNXInitializer w = ctx.floatTensor("w" + l, List.of(fanIn, fanOut), buffer -> {
        for (int i = 0; i < fanIn * fanOut; i++) {
          buffer.put((float) (random.nextGaussian() / Math.sqrt(fanIn)));
        }
      });
      ONNXInitializer b = ctx.array("b" + l, new float[fanOut]);
      ONNXNode gemm = ctx.operation(ONNXOperators.GEMM, List.of(layer, w, b), "dense" + l, Map.of());
      layer = l < widths.length - 1 ? gemm.apply(ExtraOperators.RELU, "relu" + l) : gemm;
      in = fanOut;
    }
    ctx.assignTo(layer.apply(ONNXOperators.SIGMOID, "probability"), out);
    return OnnxMl.ModelProto.newBuilder().setIrVersion(7).addOpsetImport(ONNXOperators.getOpsetProto())
        .setProducerName("aifactory-benchmarks").setGraph(ctx.buildGraph()).build().toByteArray();
  }
}
