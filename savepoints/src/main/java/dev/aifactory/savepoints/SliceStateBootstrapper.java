package dev.aifactory.savepoints;

import dev.aifactory.features.aggregate.SliceSet;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.materialize.SlidingFeatures;
import dev.aifactory.features.model.FeatureInput;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

/**
 * Writes one entity's state as {@link SlidingFeatures} would hold it at {@code cutoff} after
 * seeing these events: its slices (same state descriptors), every emission and cleanup timer
 * still ahead of the cutoff, and whether it is live (a job that saw the events would have
 * emitted rows for it, and not yet its tombstone). Timers at or before the cutoff are not
 * written: those rows belong to the past the savepoint stands for.
 */
final class SliceStateBootstrapper extends KeyedStateBootstrapFunction<String, FeatureInput> {

  private final FeatureView view;
  private final long cutoff;
  private transient ValueState<SliceSet> slices;
  private transient ValueState<Long> latestValidFrom;
  private transient ValueState<Boolean> live;
  private transient MapState<Long, Boolean> emitted;

  SliceStateBootstrapper(FeatureView view, long cutoff) {
    this.view = view;
    this.cutoff = cutoff;
  }

  @Override
  public void open(OpenContext openContext) {
    slices = getRuntimeContext().getState(SlidingFeatures.slicesState());
    latestValidFrom = getRuntimeContext().getState(SlidingFeatures.latestValidFromState());
    live = getRuntimeContext().getState(SlidingFeatures.liveState());
    emitted = getRuntimeContext().getMapState(SlidingFeatures.emittedState());
  }

  @Override
  public void processElement(FeatureInput e, Context ctx) throws Exception {
    long slide = view.slideMillis();
    long start = Math.floorDiv(e.eventTime, slide) * slide;
    SliceSet held = slices.value() == null ? new SliceSet() : slices.value();
    held.getOrCreate(start, view.numericFields().size(), view.distinctFields().size()).add(e);
    slices.update(held);

    for (long t : SlidingFeatures.emissionTimes(view, start)) {
      if (t > cutoff) {
        ctx.timerService().registerEventTimeTimer(t);
      } else if (view.allowedLatenessMillis() > 0 && t >= cutoff - view.allowedLatenessMillis() - slide) {
        emitted.put(t, true); // a late event after the restart may still correct this row
      }
    }
    ctx.timerService().registerEventTimeTimer(SlidingFeatures.cleanupTime(view, start));

    // The newest row a full run would have emitted by the cutoff, and whether the entity was
    // still live then (its newest slice not yet past the TTL).
    long latest = Long.MIN_VALUE;
    long newestStart = Long.MIN_VALUE;
    for (Map.Entry<Long, ?> slice : held.entries()) {
      newestStart = Math.max(newestStart, slice.getKey());
      for (long t : SlidingFeatures.emissionTimes(view, slice.getKey())) {
        if (t <= cutoff) {
          latest = Math.max(latest, t);
        }
      }
    }
    if (latest != Long.MIN_VALUE) {
      latestValidFrom.update(latest);
    }
    if (latest != Long.MIN_VALUE && newestStart + view.ttlMillis() + slide > cutoff) {
      live.update(true);
    } else {
      live.clear();
    }
  }
}
