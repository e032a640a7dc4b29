package dev.aifactory.models.runtime;

/**
 * Why a model scored a vector as it did: each feature's contribution to the score's logit,
 * measured against the feature being missing, and the logit with every feature missing. For the
 * factory's models (a linear model on per-feature transforms, inside the ONNX graph) the
 * decomposition is exact: {@code logit(score) = baselineLogit + sum(perFeature)}, and a
 * feature's contribution is its term of the logistic score, {@code w_i * (z_i(x_i) - z_i(missing))}.
 *
 * @param perFeature in the model signature's feature order
 */
public record Contributions(double baselineLogit, double[] perFeature) {

  public static double logit(double p) {
    return Math.log(p / (1 - p));
  }
}
