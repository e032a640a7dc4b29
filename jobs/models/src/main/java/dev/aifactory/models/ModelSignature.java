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

  /** For error messages: the view, its version and definition hash, and the columns. */
  public String describe() {
    return featureView + " v" + featureViewVersion + " (definition "
        + (featureViewSha256.isEmpty() ? "unknown: re-promote the model from the registry" : featureViewSha256) + ") " + featureOrder;
  }

  /**
   * Whether a model with this signature reads the same columns, in the same order, computed by
   * the same definition, as {@code other}. The definition hash matters: a view edited without a
   * version bump computes other numbers under the same names. An empty hash (a control message
   * of version 1) matches nothing.
   */
  public boolean sameInputsAs(ModelSignature other) {
    return featureView.equals(other.featureView)
        && featureViewVersion == other.featureViewVersion
        && !featureViewSha256.isEmpty()
        && featureViewSha256.equals(other.featureViewSha256)
        && featureOrder.equals(other.featureOrder);
  }
}
