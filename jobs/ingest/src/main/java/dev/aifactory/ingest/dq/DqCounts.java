package dev.aifactory.ingest.dq;

import dev.aifactory.ingest.model.Accepted;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Incremental counts for the dq table: slot 0 counts records, slot 1+i counts violations of rule
 * i (from {@link Accepted#violationMask}), so a window keeps 65 longs, not its records.
 */
public final class DqCounts implements AggregateFunction<Accepted, long[], long[]> {

  static final int SLOTS = 65;

  @Override
  public long[] createAccumulator() {
    return new long[SLOTS];
  }

  @Override
  public long[] add(Accepted value, long[] acc) {
    acc[0]++;
    long mask = value.violationMask;
    while (mask != 0) {
      int rule = Long.numberOfTrailingZeros(mask);
      acc[1 + rule]++;
      mask &= mask - 1;
    }
    return acc;
  }

  @Override
  public long[] getResult(long[] acc) {
    return acc;
  }

  @Override
  public long[] merge(long[] a, long[] b) {
    for (int i = 0; i < SLOTS; i++) {
      a[i] += b[i];
    }
    return a;
  }
}
