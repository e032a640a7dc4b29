package dev.aifactory.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void aucRocIsTheShareOfCorrectlyOrderedPairsWithTiesCountingHalf() {
    Random random = new Random(3);
    for (int round = 0; round < 20; round++) {
      int n = 50 + random.nextInt(100);
      double[] scores = new double[n];
      boolean[] fraud = new boolean[n];
      for (int i = 0; i < n; i++) {
        fraud[i] = random.nextDouble() < 0.2;
        // few distinct values, so ties are common
        scores[i] = random.nextInt(8) + (fraud[i] ? 2 : 0);
      }
      fraud[0] = true;
      fraud[1] = false;
      double pairs = 0;
      double correct = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (fraud[i] && !fraud[j]) {
            pairs++;
            correct += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
          }
        }
      }
      assertThat(Metrics.of(scores, fraud, 0.1).aucRoc()).isCloseTo(correct / pairs, within(1e-12));
    }
  }

  @Test
  void averagePrecisionAndPrecisionAtTheReviewRateOnAKnownRanking() {
    // ranked: F G F G G G G G G G  -> AP = (1/1 + 2/3) / 2
    double[] scores = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    boolean[] fraud = {true, false, true, false, false, false, false, false, false, false};
    Metrics m = Metrics.of(scores, fraud, 0.2);
    assertThat(m.aucPr()).isCloseTo((1.0 + 2.0 / 3) / 2, within(1e-12));
    assertThat(m.precisionAtReviewRate()).isCloseTo(0.5, within(1e-12));
    assertThat(m.aucRoc()).isCloseTo(15.0 / 16, within(1e-12));
    assertThat(Metrics.of(scores, fraud, 0.1).precisionAtReviewRate()).isEqualTo(1.0);
  }
}
