package dev.aifactory.features.aggregate;

import dev.aifactory.features.model.FeatureInput;
import java.util.Arrays;

/**
 * Partial aggregates of one entity's events in one slide-long slice of event time: enough to
 * answer every aggregation of a view by merging slices, never by revisiting events. Per numeric
 * field: sum, count of values, min, max and the latest value; per distinct field: its values' hashes, or an HLL
 * sketch once there are many.
 * Min and max stay exact as slices leave a window because a window is re-merged from the
 * slices it still covers.
 *
 * <p>A Flink POJO: public fields of primitive arrays, so RocksDB state serializes it without Kryo.
 */
public class Slice {
  public long count;
  /** Latest event time in the slice. */
  public long lastTime = Long.MIN_VALUE;
  /** Per numeric field, the exact sum's partials ({@link ExactSum}): the same whatever the order of events. */
  public double[][] sum;
  public long[] present;
  public double[] min;
  public double[] max;
  public double[] last;
  public long[] lastAt;
  /** Per distinct field, the sorted hashes of its values while few ({@link DistinctValues}). */
  public long[][] distinctHashes;
  /** Per distinct field, an HLL sketch image once the values outgrew the exact set; else null. */
  public byte[][] distinctSketch;

  public Slice() {}

  public static Slice empty(int numericFields, int distinctFields) {
    Slice s = new Slice();
    s.sum = new double[numericFields][];
    Arrays.fill(s.sum, ExactSum.ZERO);
    s.present = new long[numericFields];
    s.min = filled(numericFields, Double.POSITIVE_INFINITY);
    s.max = filled(numericFields, Double.NEGATIVE_INFINITY);
    s.last = filled(numericFields, Double.NaN);
    s.lastAt = new long[numericFields];
    Arrays.fill(s.lastAt, Long.MIN_VALUE);
    s.distinctHashes = new long[distinctFields][];
    Arrays.fill(s.distinctHashes, DistinctValues.EMPTY);
    s.distinctSketch = new byte[distinctFields][];
    return s;
  }

  public void add(FeatureInput e) {
    count++;
    lastTime = Math.max(lastTime, e.eventTime);
    for (int i = 0; i < sum.length; i++) {
      double v = e.numbers[i];
      if (Double.isNaN(v)) {
        continue;
      }
      sum[i] = ExactSum.add(sum[i], v);
      present[i]++;
      min[i] = Math.min(min[i], v);
      max[i] = Math.max(max[i], v);
      if (isLater(e.eventTime, v, lastAt[i], last[i])) {
        lastAt[i] = e.eventTime;
        last[i] = v;
      }
    }
    for (int i = 0; i < distinctSketch.length; i++) {
      String v = e.categories[i];
      if (v == null) {
        continue;
      }
      long h = DistinctValues.hash(v);
      if (distinctSketch[i] != null) {
        distinctSketch[i] = DistinctValues.addToSketch(distinctSketch[i], h);
      } else {
        distinctHashes[i] = DistinctValues.add(distinctHashes[i], h);
        if (distinctHashes[i].length > DistinctValues.MAX_EXACT) {
          distinctSketch[i] = DistinctValues.toSketch(distinctHashes[i]);
          distinctHashes[i] = DistinctValues.EMPTY;
        }
      }
    }
  }

  /** Adds every event of {@code other} (a tile of the same view): the partials merge exactly. */
  public void merge(Slice other) {
    if (other == null || other.count == 0) {
      return;
    }
    count += other.count;
    lastTime = Math.max(lastTime, other.lastTime);
    for (int i = 0; i < sum.length; i++) {
      if (other.present[i] == 0) {
        continue;
      }
      sum[i] = ExactSum.merge(sum[i], other.sum[i]);
      present[i] += other.present[i];
      min[i] = Math.min(min[i], other.min[i]);
      max[i] = Math.max(max[i], other.max[i]);
      if (isLater(other.lastAt[i], other.last[i], lastAt[i], last[i])) {
        lastAt[i] = other.lastAt[i];
        last[i] = other.last[i];
      }
    }
    for (int i = 0; i < distinctSketch.length; i++) {
      if (distinctSketch[i] == null && other.distinctSketch[i] == null) {
        long[] union = DistinctValues.union(distinctHashes[i], other.distinctHashes[i]);
        if (union.length > DistinctValues.MAX_EXACT) {
          distinctSketch[i] = DistinctValues.toSketch(union);
          distinctHashes[i] = DistinctValues.EMPTY;
        } else {
          distinctHashes[i] = union;
        }
      } else {
        distinctSketch[i] = DistinctValues.unionSketch(distinctSketch[i], distinctHashes[i], other.distinctSketch[i],
            other.distinctHashes[i]);
        distinctHashes[i] = DistinctValues.EMPTY;
      }
    }
  }

  /**
   * Whether a value at {@code time} replaces the latest one. Equal times keep the larger value,
   * so the result does not depend on arrival order (streaming and backfill agree).
   */
  static boolean isLater(long time, double value, long currentTime, double current) {
    return time > currentTime || time == currentTime && (Double.isNaN(current) || Double.compare(value, current) > 0);
  }

  private static double[] filled(int n, double value) {
    double[] a = new double[n];
    Arrays.fill(a, value);
    return a;
  }
}
