package dev.aifactory.models;

import java.io.Serializable;
import java.util.List;

/**
 * What a model reads and writes: the feature-view version its inputs come from, the input
 * columns in order, and the ONNX tensor names. Scoring builds the input vector in exactly this
 * order and refuses a model whose signature does not match the features it computes, so a model
 * can never silently read one feature in the place of another.
 *
 * <p>Inputs are raw feature values, NaN where a feature has no value; any imputation or scaling
 * lives inside the ONNX graph, so every tier (stream, batch, SQL) feeds the same numbers.
 */
public record ModelSignature(
    String featureView,
    int featureViewVersion,
    String featureViewSha256,
    List<String> featureOrder,
    String inputName,
    String outputName) implements Serializable {

  public ModelSignature {
    featureOrder = List.copyOf(featureOrder);
  }

  public int width() {
    return featureOrder.size();
  }

  /** The input tensor's name for a view version: {@code <view>_v<version>}. */
  public static String inputNameFor(String featureView, int featureViewVersion) {
    return featureView + "_v" + featureViewVersion;
  }

  /** Whether a model with this signature reads the same columns, in the same order, as {@code other}. */
  public boolean sameInputsAs(ModelSignature other) {
    return featureView.equals(other.featureView)
        && featureViewVersion == other.featureViewVersion
        && featureOrder.equals(other.featureOrder);
  }
}
