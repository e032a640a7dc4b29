package dev.aifactory.features.aggregate;

import java.util.Map;
import java.util.TreeMap;

/**
 * All slices of one entity, by start time, kept in keyed state as one value with a compact
 * serializer ({@link SliceSetSerializer}). An emission reads every slice of its entity anyway,
 * and one state read of a few hundred bytes costs far less than a map-state scan that
 * deserializes each slice as its own entry.
 */
public final class SliceSet {

  private final TreeMap<Long, Slice> slices;

  public SliceSet() {
    this(new TreeMap<>());
  }

  SliceSet(TreeMap<Long, Slice> slices) {
    this.slices = slices;
  }

  /** The slice starting at {@code start}, created empty if missing. */
  public Slice getOrCreate(long start, int numericFields, int distinctFields) {
    return slices.computeIfAbsent(start, s -> Slice.empty(numericFields, distinctFields));
  }

  public Slice get(long start) {
    return slices.get(start);
  }

  /** Slices in ascending start order. */
  public Iterable<Map.Entry<Long, Slice>> entries() {
    return slices.entrySet();
  }

  /** Drops the slices that start before {@code start}. */
  public void dropBefore(long start) {
    slices.headMap(start, false).clear();
  }

  public boolean isEmpty() {
    return slices.isEmpty();
  }

  public int size() {
    return slices.size();
  }

  TreeMap<Long, Slice> map() {
    return slices;
  }
}
