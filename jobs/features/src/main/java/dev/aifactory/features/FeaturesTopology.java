package dev.aifactory.features;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.materialize.PerEventFeatures;
import dev.aifactory.features.model.FeatureInput;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.sink.FeatureSinks;
import dev.aifactory.features.source.SourceRecord;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The features job as a function of its source and sinks, the same for streaming and backfill:
 *
 * <pre>
 * source (view inputs with event time) ─┬─ unreadable ─────────────────────────────┐
 *                                       └─ keyBy entity ─ per-event features ─┬─ dropped (late) ─┴─ dropped
 *                                                                             ├─ history
 *                                                                             └─ newest rows ─ online
 * </pre>
 *
 * A stream computes each event's vector as it arrives; a backfill ({@code validFromMin}/{@code
 * validFromMax} given) replays each entity's events in event-time order. Rows valid from outside
 * {@code [validFromMin, validFromMax)} are left out: a backfill reads events from before its
 * range to fill its windows, but writes only its range.
 */
public final class FeaturesTopology {

  static final OutputTag<DeadLetter> UNREADABLE = new OutputTag<>("unreadable") {};

  private FeaturesTopology() {}

  public static void build(DataStream<SourceRecord> source, FeatureView view, FeatureSinks sinks) {
    build(source, view, sinks, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  public static void build(DataStream<SourceRecord> source, FeatureView view, FeatureSinks sinks, long validFromMin,
      long validFromMax) {
    boolean backfill = validFromMin != Long.MIN_VALUE || validFromMax != Long.MAX_VALUE;
    Computed computed = compute(source, view, backfill);
    DataStream<FeatureRow> rows = computed.rows();
    DataStream<FeatureRow> inRange = validFromMin == Long.MIN_VALUE && validFromMax == Long.MAX_VALUE
        ? rows
        : rows.filter(r -> r.validFrom >= validFromMin && r.validFrom < validFromMax)
            .uid("in-range-" + view.id()).name("valid_from in range");
    sinks.history(inRange);
    sinks.online(inRange.filter(r -> r.latest).uid("newest-" + view.id()).name("newest rows"));
    sinks.dropped(computed.dropped());
  }

  /**
   * The readable inputs, the feature rows computed from them, the inputs too late to change a
   * row, and the records that could not be read.
   */
  public record Computed(DataStream<FeatureInput> inputs, DataStream<FeatureRow> rows, DataStream<DeadLetter> late,
      DataStream<DeadLetter> unreadable) {
    public DataStream<DeadLetter> dropped() {
      return late.union(unreadable);
    }
  }

  /**
   * The view's feature rows without sinks: for jobs that use features where they are computed
   * (scoring scores each event's row as it comes). With {@code replay}, each entity's events are
   * fed in event-time order (BATCH mode: backfills and offline recomputation).
   */
  public static Computed compute(DataStream<SourceRecord> source, FeatureView view, boolean replay) {
    SingleOutputStreamOperator<FeatureInput> inputs = source
        .process(new SplitUnreadable())
        .uid("split-unreadable-" + view.id()).name("split unreadable");
    SingleOutputStreamOperator<FeatureRow> rows = inputs
        .keyBy(i -> i.entity)
        .process(new PerEventFeatures(view, replay))
        .uid(operatorUid(view)).name("per-event features " + view.id());
    return new Computed(inputs, rows, rows.getSideOutput(PerEventFeatures.DROPPED), inputs.getSideOutput(UNREADABLE));
  }

  /** The uid of the view's operator: its state in savepoints is found by it. */
  public static String operatorUid(FeatureView view) {
    // Not "sliding-features-": that operator's state (minute slices) does not restore into this one.
    return "per-event-features-" + view.id();
  }

  static final class SplitUnreadable extends ProcessFunction<SourceRecord, FeatureInput> {
    @Override
    public void processElement(SourceRecord r, Context ctx, Collector<FeatureInput> out) {
      if (r.input != null) {
        out.collect(r.input);
      } else if (r.unreadable != null) {
        ctx.output(UNREADABLE, r.unreadable);
      }
    }
  }
}
