package dev.aifactory.features.aggregate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.datasketches.hash.MurmurHash3;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;

/**
 * Approximate distinct counting that is exact and cheap while sets are small, which is the usual
 * case for one entity in one slice (a card visits a few merchants a minute): values are kept as
 * sorted 64-bit hashes up to {@link #MAX_EXACT}, and only a slice with more becomes an HLL
 * sketch. Merging exact sets is a set union; once any part is a sketch, everything goes through
 * an HLL union. Both are independent of order, so streaming and backfill agree.
 */
public final class DistinctValues {

  /** Sketch precision: 2^12 registers, about 1.6% standard error. */
  public static final int LG_K = 12;
  /** Largest set a slice keeps exactly before it becomes a sketch. */
  public static final int MAX_EXACT = 64;
  public static final long[] EMPTY = new long[0];

  private DistinctValues() {}

  public static long hash(String value) {
    return MurmurHash3.hash(value.getBytes(StandardCharsets.UTF_8), 9001L)[0];
  }

  /** The sorted hashes with {@code h} added; the caller turns the slice into a sketch past {@link #MAX_EXACT}. */
  public static long[] add(long[] sortedHashes, long h) {
    int at = Arrays.binarySearch(sortedHashes, h);
    if (at >= 0) {
      return sortedHashes;
    }
    int insert = -at - 1;
    long[] out = new long[sortedHashes.length + 1];
    System.arraycopy(sortedHashes, 0, out, 0, insert);
    out[insert] = h;
    System.arraycopy(sortedHashes, insert, out, insert + 1, sortedHashes.length - insert);
    return out;
  }

  /** A compact sketch image holding every hash. */
  public static byte[] toSketch(long[] hashes) {
    HllSketch sketch = new HllSketch(LG_K);
    for (long h : hashes) {
      sketch.update(h);
    }
    return sketch.toCompactByteArray();
  }

  /** A sketch image with one more hash. */
  public static byte[] addToSketch(byte[] image, long h) {
    HllSketch sketch = HllSketch.heapify(image);
    sketch.update(h);
    return sketch.toCompactByteArray();
  }

  /** The sorted union of two sorted hash sets. */
  public static long[] union(long[] a, long[] b) {
    if (b.length == 0) {
      return a;
    }
    if (a.length == 0) {
      return b;
    }
    long[] out = new long[a.length + b.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < a.length || j < b.length) {
      long next = j == b.length || i < a.length && a[i] <= b[j] ? a[i++] : b[j++];
      if (n == 0 || out[n - 1] != next) {
        out[n++] = next;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** A sketch image of everything in two parts, each a sketch image (or null) and exact hashes. */
  public static byte[] unionSketch(byte[] sketchA, long[] hashesA, byte[] sketchB, long[] hashesB) {
    Union union = new Union(LG_K);
    for (byte[] image : new byte[][] {sketchA, sketchB}) {
      if (image != null) {
        union.update(HllSketch.heapify(image));
      }
    }
    for (long[] hashes : new long[][] {hashesA, hashesB}) {
      for (long h : hashes) {
        union.update(h);
      }
    }
    return union.getResult().toCompactByteArray();
  }

  /** Merges slices' sets and sketches for one window. */
  public static final class Merge {
    private long[] exact = new long[16];
    private int size;
    private Union union;

    public void addExact(long[] sortedHashes) {
      if (size + sortedHashes.length > exact.length) {
        exact = Arrays.copyOf(exact, Math.max(exact.length * 2, size + sortedHashes.length));
      }
      System.arraycopy(sortedHashes, 0, exact, size, sortedHashes.length);
      size += sortedHashes.length;
    }

    public void addSketch(byte[] image) {
      if (union == null) {
        union = new Union(LG_K);
      }
      union.update(HllSketch.heapify(image));
    }

    public long estimate() {
      Arrays.sort(exact, 0, size);
      int distinct = 0;
      for (int i = 0; i < size; i++) {
        if (i == 0 || exact[i] != exact[i - 1]) {
          distinct++;
          if (union != null) {
            union.update(exact[i]);
          }
        }
      }
      return union == null ? distinct : Math.round(union.getEstimate());
    }
  }
}
