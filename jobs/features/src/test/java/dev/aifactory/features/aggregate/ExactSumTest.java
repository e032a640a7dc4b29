package dev.aifactory.features.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactSumTest {

  @Test
  void theSumIsTheCorrectlyRoundedExactSumInAnyOrderAndAnyMerge() {
    Random random = new Random(3);
    for (int round = 0; round < 200; round++) {
      List<Double> values = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        double magnitude = Math.pow(10, random.nextInt(12) - 4);
        values.add((random.nextBoolean() ? 1 : -1) * Math.round(random.nextDouble() * magnitude * 100) / 100.0);
      }
      BigDecimal exact = values.stream().map(BigDecimal::new).reduce(BigDecimal.ZERO, BigDecimal::add);
      double expected = exact.doubleValue();

      Collections.shuffle(values, random);
      double[] all = ExactSum.ZERO;
      for (double v : values) {
        all = ExactSum.add(all, v);
      }
      int cut = random.nextInt(values.size());
      double[] left = ExactSum.ZERO;
      double[] right = ExactSum.ZERO;
      for (int i = 0; i < values.size(); i++) {
        if (i < cut) {
          left = ExactSum.add(left, values.get(i));
        } else {
          right = ExactSum.add(right, values.get(i));
        }
      }
      assertThat(ExactSum.value(all)).isEqualTo(expected);
      assertThat(ExactSum.value(ExactSum.merge(right, left))).isEqualTo(expected);
    }
  }

  @Test
  void aPlainSumWouldDependOnTheOrder() {
    // Why ExactSum exists: the same three amounts, two orders, two different doubles.
    assertThat((0.1 + 0.2) + 0.3).isNotEqualTo(0.1 + (0.2 + 0.3));
    assertThat(ExactSum.value(ExactSum.add(ExactSum.add(ExactSum.add(ExactSum.ZERO, 0.1), 0.2), 0.3)))
        .isEqualTo(ExactSum.value(ExactSum.add(ExactSum.add(ExactSum.add(ExactSum.ZERO, 0.3), 0.2), 0.1)));
  }
}
