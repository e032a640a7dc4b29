package dev.aifactory.training.model;

/**
 * The fixed transform in front of the linear model, the same in Java and in the ONNX graph:
 * a missing value (NaN) becomes 0, negatives become 0, then {@code log(1 + x)} (counts, amounts
 * and durations are heavy-tailed), then standardization with the training set's mean and
 * standard deviation.
 */
public final class Preprocessing {

  private Preprocessing() {}

  /** The value before standardization. */
  public static double squash(double raw) {
    if (Double.isNaN(raw) || raw <= 0) {
      return 0;
    }
    return Math.log1p(raw);
  }
}
