package dev.aifactory.features.materialize;

import dev.aifactory.features.aggregate.Slice;
import dev.aifactory.features.aggregate.SliceSet;
import dev.aifactory.features.aggregate.SliceSetSerializer;
import dev.aifactory.features.aggregate.WindowAggregates;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.DroppedEvent;
import dev.aifactory.features.model.FeatureInput;
import dev.aifactory.features.model.FeatureRow;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Materializes one feature view per entity (the key) in event time.
 *
 * <p>Events go into slide-long slices of partial aggregates, all of an entity's slices one
 * value in keyed state (RocksDB in production); the value at time {@code T} merges the slices of {@code [T - w, T)} for each
 * window {@code w}. Emission times are event-time timers, the same set in streaming and batch:
 * for an event in slice {@code s}, the end of its slice ({@code s + slide}, new data enters
 * every window), the moment it leaves each window ({@code s + w + slide}: features decay with
 * no new event), and its TTL ({@code s + ttl + slide}: if nothing newer came, the entity is
 * expired and a tombstone emitted).
 *
 * <p>An event whose slice was already emitted but within the allowed lateness updates its
 * slice and re-emits a corrected row for every emission time since that included it; an event
 * older than the watermark less the allowed lateness changes nothing and goes to
 * {@link #DROPPED}. Rows carry {@code latest} = whether no newer {@code valid_from} was
 * emitted before: only those may update the online store.
 */
public final class SlidingFeatures extends KeyedProcessFunction<String, FeatureInput, FeatureRow> {

  public static final OutputTag<DroppedEvent> DROPPED = new OutputTag<>("dropped") {};

  private final FeatureView view;
  private transient WindowAggregates aggregates;
  private transient ValueState<SliceSet> slices;
  /** Emission times still within reach of a late event, for corrections. */
  private transient MapState<Long, Boolean> emitted;
  private transient ValueState<Long> latestValidFrom;
  private transient ValueState<Boolean> live;
  private transient Counter late;
  private transient Counter corrections;
  private transient Counter tombstones;
  private transient Histogram freshness;
  private transient long lastEmittedMicros;

  public SlidingFeatures(FeatureView view) {
    this.view = view;
  }

  @Override
  public void open(OpenContext openContext) {
    aggregates = new WindowAggregates(view);
    slices = getRuntimeContext().getState(slicesState());
    emitted = getRuntimeContext().getMapState(emittedState());
    latestValidFrom = getRuntimeContext().getState(latestValidFromState());
    live = getRuntimeContext().getState(liveState());
    MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("features").addGroup("view", view.id());
    late = metrics.counter("lateDropped");
    corrections = metrics.counter("corrections");
    tombstones = metrics.counter("tombstones");
    // Event time to the first row that reflects the event, in ms (p50/p99 in any reporter).
    freshness = metrics.histogram("freshnessMs", new DescriptiveStatisticsHistogram(10_000));
  }

  @Override
  public void processElement(FeatureInput e, Context ctx, Collector<FeatureRow> out) throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    // Before the first watermark it is Long.MIN_VALUE: nothing is late yet (and no underflow).
    if (watermark != Long.MIN_VALUE && e.eventTime < watermark - view.allowedLatenessMillis()) {
      late.inc();
      ctx.output(DROPPED, new DroppedEvent(DroppedEvent.LATE, "older than the watermark less " + view.allowedLatenessMillis()
          + " ms", e.entity, e.eventId, e.eventTime, watermark, System.currentTimeMillis()));
      return;
    }
    long slide = view.slideMillis();
    long start = Math.floorDiv(e.eventTime, slide) * slide;
    SliceSet held = held();
    held.getOrCreate(start, view.numericFields().size(), view.distinctFields().size()).add(e);
    slices.update(held);

    ctx.timerService().registerEventTimeTimer(cleanupTime(view, start));
    TreeSet<Long> past = new TreeSet<>();
    for (long t : emissionTimes(view, start)) {
      if (t > watermark) {
        ctx.timerService().registerEventTimeTimer(t);
      } else {
        past.add(t); // already passed: emit now, as if the event had been on time
      }
    }
    if (start + slide <= watermark) {
      long reach = start + Math.max(view.maxWindowMillis(), view.ttlMillis());
      for (long t : emitted.keys()) {
        if (t >= start + slide && t <= reach) {
          past.add(t);
        }
      }
      for (long t : past) {
        corrections.inc();
        emit(t, ctx.getCurrentKey(), out, held);
      }
    }
  }

  @Override
  public void onTimer(long time, OnTimerContext ctx, Collector<FeatureRow> out) throws Exception {
    if (Math.floorMod(time, view.slideMillis()) != 0) {
      dropExpiredState(time);
      return;
    }
    SliceSet held = held();
    boolean emittedRow = emit(time, ctx.getCurrentKey(), out, held);
    Slice closing = held.get(time - view.slideMillis());
    if (emittedRow && closing != null) {
      freshness.update(System.currentTimeMillis() - closing.lastTime);
    }
  }

  /** The entity's slices (one state read), empty if it has none. */
  private SliceSet held() throws Exception {
    SliceSet held = slices.value();
    return held == null ? new SliceSet() : held;
  }

  // State and timers, public so the savepoint bootstrap (savepoints/) writes what this reads.

  public static ValueStateDescriptor<SliceSet> slicesState() {
    return new ValueStateDescriptor<>("slices", SliceSetSerializer.INSTANCE);
  }

  public static MapStateDescriptor<Long, Boolean> emittedState() {
    return new MapStateDescriptor<>("emitted-times", Types.LONG, Types.BOOLEAN);
  }

  public static ValueStateDescriptor<Long> latestValidFromState() {
    return new ValueStateDescriptor<>("latest-valid-from", Types.LONG);
  }

  public static ValueStateDescriptor<Boolean> liveState() {
    return new ValueStateDescriptor<>("live", Types.BOOLEAN);
  }

  /** How long a slice is kept after it starts: every window, the TTL check and late corrections reach it. */
  static long retentionMillis(FeatureView view) {
    return Math.max(view.maxWindowMillis(), view.ttlMillis()) + view.allowedLatenessMillis() + view.slideMillis();
  }

  /** When the slice starting at {@code start} is dropped: 1 ms after its last use, off the slide grid, so it never emits. */
  public static long cleanupTime(FeatureView view, long start) {
    return start + retentionMillis(view) + 1;
  }

  /** The emission times a slice starting at {@code start} calls for: its end, leaving each window, its TTL. */
  public static long[] emissionTimes(FeatureView view, long start) {
    long slide = view.slideMillis();
    long[] windows = view.windows();
    long[] times = new long[windows.length + 2];
    times[0] = start + slide;
    for (int i = 0; i < windows.length; i++) {
      times[i + 1] = start + windows[i] + slide;
    }
    times[windows.length + 1] = start + view.ttlMillis() + slide;
    return times;
  }

  /** Emits the row valid from {@code time}, or a tombstone if the entity expired then; false if nothing to say. */
  private boolean emit(long time, String entity, Collector<FeatureRow> out, SliceSet held) throws Exception {
    if (view.allowedLatenessMillis() > 0) {
      // Remembered even when nothing is emitted: a late event may give this time a value.
      emitted.put(time, true);
    }
    long now = emissionMicros();
    Long latest = latestValidFrom.value();
    boolean isLatest = latest == null || time >= latest;
    FeatureRow row;
    if (expiredAt(time, held)) {
      if (!Boolean.TRUE.equals(live.value()) || !isLatest) {
        return false;
      }
      live.clear();
      tombstones.inc();
      row = new FeatureRow(entity, time, now, true, null);
    } else {
      row = new FeatureRow(entity, time, now, false, aggregates.at(time, held.entries()));
      if (isLatest) {
        live.update(true);
      }
    }
    row.latest = isLatest;
    if (isLatest) {
      latestValidFrom.update(time);
    }
    out.collect(row);
    return true;
  }

  /** Wall-clock microseconds, strictly increasing, so two rows for one valid_from never tie. */
  private long emissionMicros() {
    lastEmittedMicros = Math.max(System.currentTimeMillis() * 1000, lastEmittedMicros + 1);
    return lastEmittedMicros;
  }

  /** Expired at {@code time}: no event in {@code [time - ttl, time)}. */
  private boolean expiredAt(long time, SliceSet held) {
    for (Map.Entry<Long, Slice> slice : held.entries()) {
      long start = slice.getKey();
      if (start >= time - view.ttlMillis() && start + view.slideMillis() <= time) {
        return false;
      }
    }
    return true;
  }

  /**
   * Forgets slices no window, TTL check or correction can reach again, and emission times a
   * late event can no longer correct; clears the entity once nothing is left.
   */
  private void dropExpiredState(long time) throws Exception {
    SliceSet held = held();
    held.dropBefore(time - retentionMillis(view));
    Iterator<Map.Entry<Long, Boolean>> times = emitted.iterator();
    while (times.hasNext()) {
      if (times.next().getKey() < time - view.allowedLatenessMillis() - view.slideMillis()) {
        times.remove();
      }
    }
    if (held.isEmpty()) {
      slices.clear();
      emitted.clear();
      latestValidFrom.clear();
      live.clear();
    } else {
      slices.update(held);
    }
  }
}
