package dev.aifactory.features.aggregate;

import java.util.Arrays;

/**
 * A floating-point sum that does not depend on the order of its terms: the exact sum is kept
 * as a few non-overlapping partials (Shewchuk's algorithm, as in Python's {@code math.fsum})
 * and rounded once, correctly, when read. Streaming and backfill add the same amounts in
 * different orders and merge slices in different orders; with a plain {@code +=} their sums
 * would differ in the last bits, and the online and offline features would disagree.
 *
 * <p>Partials are arrays (ascending magnitude, usually one to three values), so they sit in
 * Flink POJO state as {@code double[]}. Finite values only.
 */
public final class ExactSum {

  public static final double[] ZERO = new double[0];

  private ExactSum() {}

  /** The partials of {@code partials + x}. */
  public static double[] add(double[] partials, double x) {
    double[] out = new double[partials.length + 1];
    int n = 0;
    for (double y : partials) {
      if (Math.abs(x) < Math.abs(y)) {
        double t = x;
        x = y;
        y = t;
      }
      double hi = x + y;
      double lo = y - (hi - x);
      if (lo != 0.0) {
        out[n++] = lo;
      }
      x = hi;
    }
    out[n++] = x;
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** The partials of the sum of both. */
  public static double[] merge(double[] a, double[] b) {
    double[] out = a;
    for (double x : b) {
      out = add(out, x);
    }
    return out;
  }

  /** The exact sum, correctly rounded to the nearest double (ties to even). */
  public static double value(double[] partials) {
    int n = partials.length;
    if (n == 0) {
      return 0.0;
    }
    double hi = partials[--n];
    double lo = 0.0;
    while (n > 0) {
      double x = hi;
      double y = partials[--n];
      hi = x + y;
      double yr = hi - x;
      lo = y - yr;
      if (lo != 0.0) {
        break;
      }
    }
    // Round half to even: if the rest lies on the same side as lo, hi is too far by one ulp.
    if (n > 0 && (lo < 0 && partials[n - 1] < 0 || lo > 0 && partials[n - 1] > 0)) {
      double y = lo * 2;
      double x = hi + y;
      double yr = x - hi;
      if (y == yr) {
        hi = x;
      }
    }
    return hi;
  }
}
