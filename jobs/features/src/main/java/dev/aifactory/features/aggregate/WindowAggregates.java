package dev.aifactory.features.aggregate;

import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import java.util.Arrays;

/**
 * A view's feature values at one time: each window's tiles merged into an accumulator
 * ({@link Merged}), then finalized per feature. Which tiles a window covers is the caller's
 * business ({@code materialize.EntityFeatures}); the finalization is the same everywhere.
 */
public final class WindowAggregates {

  private final FeatureView view;
  private final long[] windows;
  private final int[] windowOfFeature;
  private final int[] fieldOfFeature;

  public WindowAggregates(FeatureView view) {
    this.view = view;
    this.windows = view.windows();
    int n = view.features().size();
    windowOfFeature = new int[n];
    fieldOfFeature = new int[n];
    for (int f = 0; f < n; f++) {
      FeatureDef def = view.features().get(f);
      windowOfFeature[f] = Arrays.binarySearch(windows, def.windowMillis());
      fieldOfFeature[f] = switch (def.aggregation()) {
        case APPROX_DISTINCT -> view.distinctFields().indexOf(def.field());
        case COUNT, TIME_SINCE_LAST -> -1;
        default -> view.numericFields().indexOf(def.field());
      };
    }
  }

  /** One empty accumulator per window, in {@link FeatureView#windows()} order. */
  public Merged[] start() {
    Merged[] merged = new Merged[windows.length];
    for (int w = 0; w < windows.length; w++) {
      merged[w] = new Merged(view.numericFields().size(), view.distinctFields().size());
    }
    return merged;
  }

  /**
   * The feature values at {@code at} from each window's merged tiles; {@code lastBefore[w]} is
   * the newest event time before {@code at} in window {@code w} ({@code Long.MIN_VALUE}: none),
   * which {@code time_since_last} measures from. NaN where a window holds no value.
   */
  public double[] values(Merged[] merged, long at, long[] lastBefore) {
    double[] values = new double[view.features().size()];
    for (int f = 0; f < values.length; f++) {
      int w = windowOfFeature[f];
      values[f] = merged[w].value(view.features().get(f), fieldOfFeature[f], at, lastBefore[w]);
    }
    return values;
  }

  /** One window's slices merged. */
  public static final class Merged {
    long count;
    long lastTime = Long.MIN_VALUE;
    final double[][] sum;
    final long[] present;
    final double[] min;
    final double[] max;
    final double[] last;
    final long[] lastAt;
    final DistinctValues.Merge[] distinct;

    Merged(int numeric, int distinctFields) {
      sum = new double[numeric][];
      Arrays.fill(sum, ExactSum.ZERO);
      present = new long[numeric];
      min = new double[numeric];
      max = new double[numeric];
      last = new double[numeric];
      lastAt = new long[numeric];
      Arrays.fill(min, Double.POSITIVE_INFINITY);
      Arrays.fill(max, Double.NEGATIVE_INFINITY);
      Arrays.fill(last, Double.NaN);
      Arrays.fill(lastAt, Long.MIN_VALUE);
      distinct = new DistinctValues.Merge[distinctFields];
      for (int i = 0; i < distinctFields; i++) {
        distinct[i] = new DistinctValues.Merge();
      }
    }

    public void add(Slice s) {
      if (s == null || s.count == 0) {
        return;
      }
      count += s.count;
      lastTime = Math.max(lastTime, s.lastTime);
      for (int i = 0; i < sum.length; i++) {
        sum[i] = ExactSum.merge(sum[i], s.sum[i]);
        present[i] += s.present[i];
        min[i] = Math.min(min[i], s.min[i]);
        max[i] = Math.max(max[i], s.max[i]);
        if (s.present[i] > 0 && Slice.isLater(s.lastAt[i], s.last[i], lastAt[i], last[i])) {
          lastAt[i] = s.lastAt[i];
          last[i] = s.last[i];
        }
      }
      for (int i = 0; i < distinct.length; i++) {
        if (s.distinctSketch[i] != null) {
          distinct[i].addSketch(s.distinctSketch[i]);
        } else {
          distinct[i].addExact(s.distinctHashes[i]);
        }
      }
    }

    double value(FeatureDef def, int field, long at, long lastBefore) {
      return switch (def.aggregation()) {
        case COUNT -> count;
        case SUM -> ExactSum.value(sum[field]);
        case AVG -> present[field] == 0 ? Double.NaN : ExactSum.value(sum[field]) / present[field];
        case MIN -> present[field] == 0 ? Double.NaN : min[field];
        case MAX -> present[field] == 0 ? Double.NaN : max[field];
        case LAST -> present[field] == 0 ? Double.NaN : last[field];
        case APPROX_DISTINCT -> distinct[field].estimate();
        case TIME_SINCE_LAST -> lastBefore == Long.MIN_VALUE ? Double.NaN : (at - lastBefore) / 1000.0;
      };
    }
  }
}
