package dev.aifactory.features.materialize;

/**
 * What an entity's features need to know besides its tiles, one small value in keyed state: its
 * newest event time and the newest one before it (for {@code time_since_last} without reading
 * events), how many tiles it holds, the newest {@code valid_from} emitted, and whether its
 * newest emitted row has values (not a tombstone). A Flink POJO.
 */
public class EntityClock {
  public long newest = Long.MIN_VALUE;
  /** The newest event time strictly before {@link #newest}. */
  public long previous = Long.MIN_VALUE;
  /** How many events have exactly the time {@link #newest}. */
  public int atNewest;
  public int fineTiles;
  public int coarseTiles;
  public long latestValidFrom = Long.MIN_VALUE;
  public boolean live;

  public EntityClock() {}

  void saw(long time) {
    if (time > newest) {
      previous = newest;
      newest = time;
      atNewest = 1;
    } else if (time == newest) {
      atNewest++;
    } else if (time < newest && time > previous) {
      previous = time;
    }
  }

  /** The newest event time strictly before {@code t}, when {@code t} is at or after every event seen. */
  long newestBefore(long t) {
    return newest < t ? newest : previous;
  }
}
