package dev.aifactory.training.model;

import dev.aifactory.common.JobConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plain mini-batch SGD settings. {@code positiveWeight} scales the loss of fraud rows, since
 * fraud is rare and an unweighted model learns to say "genuine" to everything.
 */
public record Hyperparameters(double learningRate, int epochs, int batchSize, double l2, double positiveWeight,
    double trainShare, long seed) {

  public static Hyperparameters defaults() {
    return new Hyperparameters(0.05, 30, 64, 1e-4, 10, 0.8, 42);
  }

  public static Hyperparameters from(JobConfig config) {
    Hyperparameters d = defaults();
    return new Hyperparameters(
        Double.parseDouble(config.get("training.learning-rate", String.valueOf(d.learningRate))),
        config.getInt("training.epochs", d.epochs),
        config.getInt("training.batch-size", d.batchSize),
        Double.parseDouble(config.get("training.l2", String.valueOf(d.l2))),
        Double.parseDouble(config.get("training.positive-weight", String.valueOf(d.positiveWeight))),
        Double.parseDouble(config.get("training.train-share", String.valueOf(d.trainShare))),
        config.getLong("training.seed", d.seed));
  }

  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("algorithm", "logistic_regression_sgd");
    m.put("learning_rate", learningRate);
    m.put("epochs", epochs);
    m.put("batch_size", batchSize);
    m.put("l2", l2);
    m.put("positive_weight", positiveWeight);
    m.put("train_share", trainShare);
    m.put("seed", seed);
    return m;
  }
}
