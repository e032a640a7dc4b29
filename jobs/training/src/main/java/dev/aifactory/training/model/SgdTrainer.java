package dev.aifactory.training.model;

import dev.aifactory.training.data.Examples;
import java.util.Random;

/**
 * Trains a {@link LogisticModel} with mini-batch stochastic gradient descent on the weighted log
 * loss plus L2. Deterministic for a seed: the same examples and settings give the same model.
 */
public final class SgdTrainer {

  private final Hyperparameters hp;

  public SgdTrainer(Hyperparameters hp) {
    this.hp = hp;
  }

  public LogisticModel fit(Examples train) {
    int n = train.size();
    int d = train.width();
    if (n == 0 || train.positives() == 0 || train.positives() == n) {
      throw new IllegalArgumentException("training needs both classes; got " + train.positives() + " fraud of " + n);
    }
    double[] mean = new double[d];
    double[] scale = new double[d];
    double[][] z = standardize(train.features(), mean, scale);
    double[] w = new double[d];
    double b = 0;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random random = new Random(hp.seed());
    double[] gradW = new double[d];
    for (int epoch = 0; epoch < hp.epochs(); epoch++) {
      shuffle(order, random);
      // Step size decays per epoch, so late epochs refine instead of bouncing.
      double rate = hp.learningRate() / (1 + epoch * 0.1);
      for (int start = 0; start < n; start += hp.batchSize()) {
        int end = Math.min(n, start + hp.batchSize());
        java.util.Arrays.fill(gradW, 0);
        double gradB = 0;
        double weightSum = 0;
        for (int k = start; k < end; k++) {
          int i = order[k];
          double weight = train.fraud()[i] ? hp.positiveWeight() : 1;
          double p = LogisticModel.sigmoid(b + dot(w, z[i]));
          double err = weight * (p - (train.fraud()[i] ? 1 : 0));
          for (int j = 0; j < d; j++) {
            gradW[j] += err * z[i][j];
          }
          gradB += err;
          weightSum += weight;
        }
        for (int j = 0; j < d; j++) {
          w[j] -= rate * (gradW[j] / weightSum + hp.l2() * w[j]);
        }
        b -= rate * gradB / weightSum;
      }
    }
    return new LogisticModel(mean, scale, w, b);
  }

  private static double[][] standardize(double[][] raw, double[] mean, double[] scale) {
    int n = raw.length;
    int d = mean.length;
    double[][] z = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        z[i][j] = Preprocessing.squash(raw[i][j]);
        mean[j] += z[i][j] / n;
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        scale[j] += (z[i][j] - mean[j]) * (z[i][j] - mean[j]) / n;
      }
    }
    for (int j = 0; j < d; j++) {
      // A constant feature keeps scale 1: it then contributes nothing, instead of dividing by 0.
      scale[j] = scale[j] > 1e-12 ? Math.sqrt(scale[j]) : 1;
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        z[i][j] = (z[i][j] - mean[j]) / scale[j];
      }
    }
    return z;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
