package dev.aifactory.features.materialize;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.DroppedEvent;
import dev.aifactory.features.model.FeatureInput;
import dev.aifactory.features.model.FeatureRow;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Materializes one feature view per entity (the key), one vector per event, computed the moment
 * the event arrives: no waiting for a slice to close or for the watermark.
 *
 * <ul>
 *   <li><b>Event rows.</b> Each new event gets the vector as of its own time (see {@link Tiling}
 *       for the window rule), which is what the scoring stage scores, the online store serves and
 *       the history keeps. An event id the entity already holds is a redelivery: it changes
 *       nothing and produces nothing.
 *   <li><b>Out of order.</b> An event behind newer ones of its entity still gets its exact vector
 *       as of its own time. Rows already served without it are not rewritten: the newest row is
 *       emitted again with it ({@link FeatureRow#CORRECTION}), and counted.
 *   <li><b>Decay and TTL.</b> When a tile leaves a window, a row is emitted at that time (event
 *       time timers), unless a newer event already made a newer row; when no event came for the
 *       TTL, a tombstone. State goes when {@link Tiling#retention()} has passed.
 *   <li><b>Lateness</b> is decided before this operator, by when an event arrived: the source
 *       refuses one that reached the factory more than the allowed lateness after it happened
 *       ({@code ArrivalTime}), so every run over the same topic, and every reader of the silver
 *       table, counts the same events however its partitions' watermarks advanced. Tiles
 *       outlive the watermark by a margin ({@link Tiling#horizon()}); an event that arrived on
 *       time but reaches this operator beyond it goes to {@link #DROPPED} with why.
 * </ul>
 *
 * <p>With {@code replay} (backfills and offline recomputation, in BATCH mode, where a key's
 * events come in no particular order), events are held and fed in event-time order by timers,
 * so the offline vectors are those of an in-order stream.
 */
public final class PerEventFeatures extends KeyedProcessFunction<String, FeatureInput, FeatureRow> {

  public static final OutputTag<DeadLetter> DROPPED = new OutputTag<>("dropped") {};

  private final FeatureView view;
  private final boolean replay;
  private transient EntityFeatures state;
  private transient Tiling tiling;
  private transient MapState<Long, List<FeatureInput>> pending;
  private transient Counter late;
  private transient Counter duplicates;
  private transient Counter corrections;
  private transient Counter tombstones;
  private transient Histogram freshness;
  private transient long lastEmittedMicros;

  public PerEventFeatures(FeatureView view, boolean replay) {
    this.view = view;
    this.replay = replay;
  }

  @Override
  public void open(OpenContext openContext) {
    state = new EntityFeatures(view, getRuntimeContext());
    tiling = state.tiling();
    if (replay) {
      pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("replay-pending", Types.LONG,
          Types.LIST(TypeInformation.of(FeatureInput.class))));
    }
    MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("features").addGroup("view", view.id());
    late = metrics.counter("lateDropped");
    duplicates = metrics.counter("duplicatesIgnored");
    corrections = metrics.counter("corrections");
    tombstones = metrics.counter("tombstones");
    // Processing time of the row less the event's time, in ms (p50/p99 in any reporter).
    freshness = metrics.histogram("freshnessMs", new DescriptiveStatisticsHistogram(10_000));
  }

  @Override
  public void processElement(FeatureInput e, Context ctx, Collector<FeatureRow> out) throws Exception {
    if (replay) {
      List<FeatureInput> at = pending.get(e.eventTime);
      List<FeatureInput> updated = at == null ? new ArrayList<>(1) : new ArrayList<>(at);
      updated.add(e);
      pending.put(e.eventTime, updated);
      ctx.timerService().registerEventTimeTimer(e.eventTime);
      return;
    }
    long watermark = ctx.timerService().currentWatermark();
    if (tiling.beyondHorizon(e.eventTime, watermark)) {
      if (state.holds(e.eventId)) {
        duplicates.inc(); // a late copy of an event already served: a redelivery, not a loss
        return;
      }
      late.inc();
      ctx.output(DROPPED, DroppedEvent.late("more than the allowed lateness plus " + Tiling.WATERMARK_MARGIN_MILLIS
          + " ms behind the watermark: the tiles it needs may be gone", e.entity, e.eventId, e.eventTime, watermark));
      return;
    }
    accept(List.of(e), ctx.getCurrentKey(), ctx.timerService(), out);
  }

  @Override
  public void onTimer(long time, OnTimerContext ctx, Collector<FeatureRow> out) throws Exception {
    if (replay) {
      List<FeatureInput> events = pending.get(time);
      if (events != null) {
        pending.remove(time);
        accept(events, ctx.getCurrentKey(), ctx.timerService(), out);
      }
    }
    if (tiling.isCleanup(time)) {
      state.dropTilesAt(tiling.cleanedTile(time));
    } else if (tiling.isEmission(time)) {
      decay(time, ctx.getCurrentKey(), out);
    }
  }

  /** Adds events of one key (one, or in replay all of one millisecond) and emits their rows. */
  private void accept(List<FeatureInput> events, String entity, TimerService timers, Collector<FeatureRow> out)
      throws Exception {
    List<FeatureInput> added = new ArrayList<>(events.size());
    for (FeatureInput e : events) {
      if (state.add(e, timers::registerEventTimeTimer)) {
        added.add(e);
      } else {
        duplicates.inc();
      }
    }
    if (added.isEmpty()) {
      return;
    }
    EntityClock clock = state.clock();
    long newestRowBefore = clock.latestValidFrom;
    boolean behind = false;
    long now = System.currentTimeMillis();
    for (FeatureInput e : added) {
      emit(clock, new FeatureRow(entity, e.eventTime, emissionMicros(), false, state.asOf(e.eventTime, e.eventId)), FeatureRow.EVENT,
          e.eventId, out);
      freshness.update(now - e.eventTime);
      behind |= e.eventTime < newestRowBefore;
    }
    // A second event of the newest millisecond: each event's own row leaves out the others of its
    // millisecond, so which row is newest would depend on the order they arrived in (silver is
    // keyed by event id, so twins can come from different partitions). The row as of that
    // millisecond counts them all, whatever the order. A backfill feeds a millisecond at once and
    // corrects nothing.
    boolean twinAtNewest = !replay && clock.atNewest > 1 && added.get(added.size() - 1).eventTime == clock.newest;
    if ((behind || twinAtNewest) && clock.live) {
      // Rows served since this event's time did not count it: say so with the newest row again.
      corrections.inc();
      long at = clock.latestValidFrom;
      emit(clock, new FeatureRow(entity, at, emissionMicros(), false, state.asOf(at)), FeatureRow.CORRECTION, null, out);
    }
    clock.live = true;
    state.update(clock);
  }

  /** At a tile's window exit or TTL check: a decayed row, or the tombstone once nothing came for the TTL. */
  private void decay(long time, String entity, Collector<FeatureRow> out) throws Exception {
    EntityClock clock = state.clock();
    if (clock == null || !clock.live || time < clock.newest) {
      return; // nothing to say, or a newer event already made a newer row
    }
    if (clock.newest < time - tiling.ttl()) {
      tombstones.inc();
      clock.live = false;
      emit(clock, new FeatureRow(entity, time, emissionMicros(), true, null), FeatureRow.DECAY, null, out);
    } else {
      emit(clock, new FeatureRow(entity, time, emissionMicros(), false, state.asOf(time)), FeatureRow.DECAY, null, out);
    }
    state.update(clock);
  }

  private void emit(EntityClock clock, FeatureRow row, String kind, String eventId, Collector<FeatureRow> out) {
    row.kind = kind;
    row.eventId = eventId;
    row.latest = row.validFrom >= clock.latestValidFrom;
    if (row.latest) {
      clock.latestValidFrom = row.validFrom;
    }
    out.collect(row);
  }

  /** Wall-clock microseconds, strictly increasing, so two rows for one valid_from never tie. */
  private long emissionMicros() {
    lastEmittedMicros = Math.max(System.currentTimeMillis() * 1000, lastEmittedMicros + 1);
    return lastEmittedMicros;
  }
}
