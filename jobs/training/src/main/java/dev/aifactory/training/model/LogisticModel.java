package dev.aifactory.training.model;

/**
 * A logistic regression over {@link Preprocessing}-transformed, standardized features:
 * {@code p = sigmoid(bias + sum_i weights[i] * (squash(x_i) - mean[i]) / scale[i])}.
 */
public record LogisticModel(double[] mean, double[] scale, double[] weights, double bias) {

  public int width() {
    return weights.length;
  }

  /** The probability of fraud for raw feature values: the Java reference the ONNX export must match. */
  public double predict(double[] raw) {
    double z = bias;
    for (int i = 0; i < weights.length; i++) {
      z += weights[i] * standardized(raw[i], i);
    }
    return sigmoid(z);
  }

  /** Feature i as the linear part reads it: squashed, then standardized. */
  public double standardized(double raw, int i) {
    return (Preprocessing.squash(raw) - mean[i]) / scale[i];
  }

  static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }
}
