package dev.aifactory.features.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DistinctValuesTest {

  @Test
  void smallSetsAreCountedExactlyAcrossSlices() {
    long[] a = DistinctValues.EMPTY;
    long[] b = DistinctValues.EMPTY;
    for (String v : new String[] {"m1", "m2", "m2", "m3"}) {
      a = DistinctValues.add(a, DistinctValues.hash(v));
    }
    for (String v : new String[] {"m3", "m4"}) {
      b = DistinctValues.add(b, DistinctValues.hash(v));
    }
    assertThat(a).hasSize(3).isSorted();
    DistinctValues.Merge merge = new DistinctValues.Merge();
    merge.addExact(a);
    merge.addExact(b);
    assertThat(merge.estimate()).isEqualTo(4);
  }

  @Test
  void aSliceThatOutgrowsTheExactSetBecomesASketchAndStillMergesWithExactOnes() {
    Slice big = Slice.empty(0, 1);
    for (int i = 0; i < 5_000; i++) {
      big.add(new dev.aifactory.features.model.FeatureInput("c", "e" + i, 0, new double[0], new String[] {"v" + i}));
    }
    assertThat(big.distinctSketch[0]).as("past %d values the slice keeps a sketch", DistinctValues.MAX_EXACT).isNotNull();
    assertThat(big.distinctHashes[0]).isEmpty();

    long[] small = DistinctValues.EMPTY;
    for (String v : new String[] {"v1", "v2", "new-1", "new-2"}) {
      small = DistinctValues.add(small, DistinctValues.hash(v));
    }
    DistinctValues.Merge merge = new DistinctValues.Merge();
    merge.addSketch(big.distinctSketch[0]);
    merge.addExact(small);
    assertThat((double) merge.estimate()).isCloseTo(5_002, within(5_002 * 0.05));
  }
}
