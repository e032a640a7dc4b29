package dev.aifactory.ingest.dq;

import dev.aifactory.ingest.model.DqSample;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Incremental counts for the dq table: slot 0 counts records, slot 1+i counts violations of rule
 * i (from the record's violation mask), so a window keeps a few longs, not its records.
 */
public final class DqCounts implements AggregateFunction<DqSample, long[], long[]> {

  private final int slots;

  /** @param maxRules the most rules any domain declares */
  public DqCounts(int maxRules) {
    this.slots = 1 + maxRules;
  }

  @Override
  public long[] createAccumulator() {
    return new long[slots];
  }

  @Override
  public long[] add(DqSample value, long[] acc) {
    // An accumulator restored from a version of the job with fewer rules is shorter: grow it.
    acc = acc.length < slots ? java.util.Arrays.copyOf(acc, slots) : acc;
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
    a = a.length < b.length ? java.util.Arrays.copyOf(a, b.length) : a;
    for (int i = 0; i < b.length; i++) {
      a[i] += b[i];
    }
    return a;
  }
}
