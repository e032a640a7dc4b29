package dev.aifactory.scoring;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.models.Checksums;
import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.training.data.Examples;
import dev.aifactory.training.model.Hyperparameters;
import dev.aifactory.training.model.LogisticModel;
import dev.aifactory.training.model.SgdTrainer;
import dev.aifactory.training.onnx.OnnxExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Small real models for scoring tests: trained with the training module's trainer, exported to ONNX. */
public final class TestModels {

  private TestModels() {}

  /** A registered model file and the Java model it was exported from (the reference for its scores). */
  public record Trained(ModelVersion version, LogisticModel reference) {
    public Trained as(ModelStage stage) {
      return new Trained(version.withStage(stage), reference);
    }

    public double expected(double[] features) {
      return reference.predict(features);
    }
  }

  /** Trains on random vectors (labels from a rule over two features; NaNs mixed in) and writes {@code dir/v<version>.onnx}. */
  public static Trained train(Path dir, FeatureView view, int version, long seed) throws Exception {
    int width = view.features().size();
    Random random = new Random(seed);
    int n = 2_000;
    String[] ids = new String[n];
    long[] times = new long[n];
    double[][] x = new double[n][width];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      ids[i] = "e" + i;
      times[i] = i;
      for (int j = 0; j < width; j++) {
        x[i][j] = random.nextDouble() < 0.05 ? Double.NaN : Math.exp(random.nextGaussian() * 2);
      }
      y[i] = x[i][0] * (1 + seed % 3) > x[i][1] + random.nextGaussian();
    }
    LogisticModel model = new SgdTrainer(new Hyperparameters(0.1, 5, 32, 1e-4, 1, 1.0, seed))
        .fit(new Examples(ids, times, x, y));
    ModelSignature signature = ScoringTopology.signatureOf(view);
    Files.createDirectories(dir);
    Path file = dir.resolve("v" + version + ".onnx");
    Files.write(file, OnnxExport.toBytes(model, signature, "fraud", version));
    return new Trained(new ModelVersion("fraud", version, ModelStage.CHAMPION, file.toUri().toString(), Checksums.sha256(file), signature),
        model);
  }
}
