package dev.aifactory.savepoints;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.materialize.EntityClock;
import dev.aifactory.features.materialize.EntityFeatures;
import dev.aifactory.features.model.FeatureInput;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

/**
 * Writes one entity's state as {@code PerEventFeatures} would hold it at {@code cutoff} after
 * seeing these events, through the operator's own {@link EntityFeatures} (same state, same
 * code): its tiles and events, every decay, TTL and cleanup timer still ahead of the cutoff,
 * and what it had emitted by then (the newest {@code valid_from}, and whether the entity was
 * still live, its tombstone not yet due). Timers at or before the cutoff are not written: those
 * rows belong to the past the savepoint stands for. Events may come in any order.
 */
final class FeatureStateBootstrapper extends KeyedStateBootstrapFunction<String, FeatureInput> {

  private final FeatureView view;
  private final long cutoff;
  private transient EntityFeatures state;

  FeatureStateBootstrapper(FeatureView view, long cutoff) {
    this.view = view;
    this.cutoff = cutoff;
  }

  @Override
  public void open(OpenContext openContext) {
    state = new EntityFeatures(view, getRuntimeContext());
  }

  @Override
  public void processElement(FeatureInput e, Context ctx) throws Exception {
    long[] lastEmissionByCutoff = {Long.MIN_VALUE};
    boolean added = state.add(e, time -> {
      if (time > cutoff) {
        ctx.timerService().registerEventTimeTimer(time);
      } else if (state.tiling().isEmission(time)) {
        lastEmissionByCutoff[0] = Math.max(lastEmissionByCutoff[0], time);
      }
    });
    if (!added) {
      return;
    }
    EntityClock clock = state.clock();
    long fine = state.tiling().fine();
    long ttlCheck = Math.floorDiv(clock.newest, fine) * fine + state.tiling().ttl() + fine;
    clock.live = ttlCheck > cutoff;
    // The job would have emitted the newest event's row, and decay rows after it up to the cutoff.
    long latest = Math.max(clock.latestValidFrom, clock.newest);
    if (lastEmissionByCutoff[0] >= clock.newest) {
      latest = Math.max(latest, lastEmissionByCutoff[0]);
    }
    clock.latestValidFrom = latest;
    state.update(clock);
  }
}
