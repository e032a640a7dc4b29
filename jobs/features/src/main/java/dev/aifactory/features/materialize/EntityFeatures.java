package dev.aifactory.features.materialize;

import dev.aifactory.features.aggregate.Slice;
import dev.aifactory.features.aggregate.SliceSerializer;
import dev.aifactory.features.aggregate.WindowAggregates;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.FeatureInput;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;

/**
 * One entity's feature state in Flink keyed state (the current key), and the two things done
 * with it: {@link #add} an event, and compute the vector {@link #asOf} a time. The features
 * operator and the savepoint bootstrap both use it, so they hold the same state.
 *
 * <p>State per entity, all bounded by time, not by the number of events:
 * <ul>
 *   <li>fine tiles (one slide) and coarse tiles (an hour) of partial aggregates, map state by start;
 *   <li>the entity's event ids (deduplication), and each event by fine tile and arrival number,
 *       for the exact head of an event that arrives behind newer ones; both written without
 *       being read, so a tile's size never enters the cost of an event;
 *   <li>the {@link EntityClock} and the cached {@link WindowBodies}.
 * </ul>
 *
 * An event in order (no newer event of the entity seen yet) costs a fixed number of state reads
 * and writes: its event list, its two tiles, the clock and the bodies; a body is re-merged once
 * per hop. Tiles go when {@link Tiling#retention()} has passed since they started.
 */
public final class EntityFeatures {

  private final FeatureView view;
  private final Tiling tiling;
  private final WindowAggregates aggregates;
  private final MapState<Long, Slice> fineTiles;
  private final MapState<Long, Slice> coarseTiles;
  private final MapState<String, Long> seen;
  private final MapState<Long, FeatureInput> events;
  private final ValueState<EntityClock> clock;
  private final ValueState<WindowBodies> bodies;

  public EntityFeatures(FeatureView view, RuntimeContext context) {
    this.view = view;
    this.tiling = new Tiling(view);
    this.aggregates = new WindowAggregates(view);
    fineTiles = context.getMapState(fineTilesState());
    coarseTiles = context.getMapState(coarseTilesState());
    seen = context.getMapState(seenState());
    events = context.getMapState(eventsState());
    clock = context.getState(clockState());
    bodies = context.getState(bodiesState());
  }

  public static MapStateDescriptor<Long, Slice> fineTilesState() {
    return new MapStateDescriptor<>("fine-tiles", LongSerializer.INSTANCE, SliceSerializer.INSTANCE);
  }

  public static MapStateDescriptor<Long, Slice> coarseTilesState() {
    return new MapStateDescriptor<>("coarse-tiles", LongSerializer.INSTANCE, SliceSerializer.INSTANCE);
  }

  /** Event id to event time, for every event the entity holds. */
  public static MapStateDescriptor<String, Long> seenState() {
    return new MapStateDescriptor<>("event-ids", Types.STRING, Types.LONG);
  }

  /** Each event, by {@link #eventKey}: its fine tile and its arrival number in that tile. */
  public static MapStateDescriptor<Long, FeatureInput> eventsState() {
    return new MapStateDescriptor<>("events", Types.LONG, TypeInformation.of(FeatureInput.class));
  }

  /** The fine tile's index in the high 32 bits, the event's arrival number in the tile (its count before it) in the low. */
  private long eventKey(long fineStart, long arrival) {
    return Math.floorDiv(fineStart, tiling.fine()) << 32 | arrival;
  }

  public static ValueStateDescriptor<EntityClock> clockState() {
    return new ValueStateDescriptor<>("clock", TypeInformation.of(EntityClock.class));
  }

  public static ValueStateDescriptor<WindowBodies> bodiesState() {
    return new ValueStateDescriptor<>("window-bodies", WindowBodiesSerializer.INSTANCE);
  }

  public Tiling tiling() {
    return tiling;
  }

  /** The entity's clock, or null if it holds nothing. */
  public EntityClock clock() throws Exception {
    return clock.value();
  }

  public void update(EntityClock c) throws Exception {
    clock.update(c);
  }

  /** Whether the entity holds an event with this id. */
  public boolean holds(String eventId) throws Exception {
    return seen.contains(eventId);
  }

  /**
   * Adds an event; false, changing nothing, if the entity already holds an event with its id (a
   * redelivery). {@code timers} receives the emission and cleanup times of tiles it creates.
   */
  public boolean add(FeatureInput e, LongConsumer timers) throws Exception {
    if (seen.contains(e.eventId)) {
      return false;
    }
    seen.put(e.eventId, e.eventTime);
    long fine = tiling.fine();
    long fineStart = Tiling.floor(e.eventTime, fine);
    EntityClock c = clock.value();
    if (c == null) {
      c = new EntityClock();
    }
    Slice fineTile = fineTiles.get(fineStart);
    if (fineTile == null) {
      fineTile = emptySlice();
      c.fineTiles++;
      timers.accept(tiling.cleanupTime(fineStart));
      timers.accept(fineStart + tiling.ttl() + fine); // the TTL check, if nothing newer comes
      for (int i = 0; i < tiling.windowCount(); i++) {
        if (!tiling.coarse(i)) {
          timers.accept(fineStart + tiling.window(i) + fine); // the tile leaves the window: features decay
        }
      }
    }
    events.put(eventKey(fineStart, fineTile.count), e);
    fineTile.add(e);
    fineTiles.put(fineStart, fineTile);
    long coarseStart = Tiling.floor(e.eventTime, Tiling.COARSE_MILLIS);
    if (addToTile(coarseTiles, coarseStart, e)) {
      c.coarseTiles++;
      timers.accept(tiling.cleanupTime(coarseStart));
      for (int i = 0; i < tiling.windowCount(); i++) {
        if (tiling.coarse(i)) {
          timers.accept(coarseStart + tiling.window(i) + Tiling.COARSE_MILLIS);
        }
      }
    }

    WindowBodies b = bodies.value();
    if (b != null) {
      boolean changed = false;
      for (int i = 0; i < tiling.windowCount(); i++) {
        long epoch = b.epochs[i];
        if (epoch != Long.MIN_VALUE && e.eventTime >= epoch - tiling.window(i) && e.eventTime < epoch) {
          b.merged[i].add(e); // a late event inside a cached body: the body stays exact
          changed = true;
        }
      }
      if (changed) {
        bodies.update(b);
      }
    }
    c.saw(e.eventTime);
    clock.update(c);
    return true;
  }

  /** Adds the event to the tile at {@code start}; true if the tile is new. */
  private boolean addToTile(MapState<Long, Slice> tiles, long start, FeatureInput e) throws Exception {
    Slice tile = tiles.get(start);
    boolean created = tile == null;
    if (created) {
      tile = emptySlice();
    }
    tile.add(e);
    tiles.put(start, tile);
    return created;
  }

  private Slice emptySlice() {
    return Slice.empty(view.numericFields().size(), view.distinctFields().size());
  }

  /**
   * The feature vector as of {@code t} with no event of its own (a decay or correction row): per
   * window, the events in {@code [floor(t, hop) - w, t]} (see {@link Tiling}). Null if the
   * entity holds nothing.
   */
  public double[] asOf(long t) throws Exception {
    return asOf(t, null);
  }

  /**
   * The vector of the event {@code eventId} at {@code t}: as {@link #asOf(long)}, but of the
   * events at exactly {@code t} only the event itself counts. Two events of one millisecond never
   * see each other, whichever arrives first, so the result does not depend on arrival order.
   * {@code time_since_last} measures from the newest event strictly before {@code t}.
   */
  public double[] asOf(long t, String eventId) throws Exception {
    EntityClock c = clock.value();
    if (c == null) {
      return null;
    }
    // In order: no event after t has arrived (nor, for an event, another at the same
    // millisecond), so the tiles holding t are exactly the head.
    boolean inOrder = t >= c.newest && (eventId == null || t > c.newest || c.atNewest <= 1);
    WindowBodies b = bodies.value();
    if (b == null) {
      b = WindowBodies.empty(tiling.windowCount());
    }
    boolean bodiesChanged = false;
    Head fineHead = null;
    Head coarseHead = null;
    WindowAggregates.Merged[] merged = aggregates.start();
    long[] lastBefore = new long[merged.length];
    for (int i = 0; i < merged.length; i++) {
      long epoch = tiling.epoch(i, t);
      long from = epoch - tiling.window(i);
      Slice body;
      if (b.epochs[i] == epoch) {
        body = b.merged[i];
      } else {
        body = mergeTiles(i, from, epoch, c);
        if (inOrder && epoch > b.epochs[i]) {
          b.epochs[i] = epoch;
          b.merged[i] = body;
          bodiesChanged = true;
        }
      }
      Head head;
      if (tiling.coarse(i)) {
        head = coarseHead = coarseHead != null ? coarseHead : head(t, eventId, epoch, true, inOrder, c);
      } else {
        head = fineHead = fineHead != null ? fineHead : head(t, eventId, epoch, false, inOrder, c);
      }
      merged[i].add(body);
      merged[i].add(head.events);
      long last = Math.max(body.count > 0 ? body.lastTime : Long.MIN_VALUE, head.newestBefore);
      lastBefore[i] = last >= from ? last : Long.MIN_VALUE;
    }
    if (bodiesChanged) {
      bodies.update(b);
    }
    return aggregates.values(merged, t, lastBefore);
  }

  /** The events of a head {@code [epoch, t]}, and the newest event time before {@code t} among them or known to the clock. */
  private record Head(Slice events, long newestBefore) {}

  private Head head(long t, String eventId, long epoch, boolean coarse, boolean inOrder, EntityClock c) throws Exception {
    if (inOrder) {
      Slice tile = coarse ? coarseTiles.get(epoch) : fineTiles.get(epoch);
      // Everything seen is at or before t; the clock knows the newest event before t.
      return new Head(tile, c.newestBefore(t));
    }
    long fine = tiling.fine();
    long fineStart = Tiling.floor(t, fine);
    Slice exact = emptySlice();
    long newestBefore = Long.MIN_VALUE;
    if (coarse) {
      for (long s = epoch; s < fineStart; s += fine) {
        Slice tile = fineTiles.get(s);
        if (tile != null) {
          exact.merge(tile);
          newestBefore = Math.max(newestBefore, tile.lastTime);
        }
      }
    }
    Slice tile = fineTiles.get(fineStart);
    for (long arrival = 0; tile != null && arrival < tile.count; arrival++) {
      FeatureInput x = events.get(eventKey(fineStart, arrival));
      if (x.eventTime < t || x.eventTime == t && (eventId == null || eventId.equals(x.eventId))) {
        exact.add(x);
        if (x.eventTime < t) {
          newestBefore = Math.max(newestBefore, x.eventTime);
        }
      }
    }
    return new Head(exact, newestBefore);
  }

  /**
   * Window {@code i}'s whole tiles in {@code [from, to)}: point reads of each tile, or one scan of
   * the entity's tiles when it holds fewer than the window has (a quiet entity).
   */
  private Slice mergeTiles(int i, long from, long to, EntityClock c) throws Exception {
    boolean coarse = tiling.coarse(i);
    MapState<Long, Slice> tiles = coarse ? coarseTiles : fineTiles;
    long hop = tiling.hop(i);
    Slice out = emptySlice();
    if ((coarse ? c.coarseTiles : c.fineTiles) <= (to - from) / hop) {
      for (Map.Entry<Long, Slice> tile : tiles.entries()) {
        if (tile.getKey() >= from && tile.getKey() < to) {
          out.merge(tile.getValue());
        }
      }
    } else {
      for (long s = from; s < to; s += hop) {
        out.merge(tiles.get(s));
      }
    }
    return out;
  }

  /**
   * Drops the tiles that start at {@code start} (the fine one, and the coarse one if it starts
   * there too); clears the entity once it holds no tile. True if the entity is gone.
   */
  public boolean dropTilesAt(long start) throws Exception {
    EntityClock c = clock.value();
    if (c == null) {
      return true;
    }
    Slice tile = fineTiles.get(start);
    if (tile != null) {
      for (long arrival = 0; arrival < tile.count; arrival++) {
        long key = eventKey(start, arrival);
        FeatureInput e = events.get(key);
        if (e != null) {
          seen.remove(e.eventId);
          events.remove(key);
        }
      }
      fineTiles.remove(start);
      c.fineTiles--;
    }
    if (Math.floorMod(start, Tiling.COARSE_MILLIS) == 0 && coarseTiles.contains(start)) {
      coarseTiles.remove(start);
      c.coarseTiles--;
    }
    if (c.fineTiles <= 0 && c.coarseTiles <= 0) {
      fineTiles.clear();
      coarseTiles.clear();
      events.clear();
      seen.clear();
      bodies.clear();
      clock.clear();
      return true;
    }
    clock.update(c);
    return false;
  }
}
