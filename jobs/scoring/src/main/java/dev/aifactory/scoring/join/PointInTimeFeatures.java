package dev.aifactory.scoring.join;

import dev.aifactory.features.model.FeatureInput;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.scoring.model.ScoringRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins each event with its entity's feature row valid at the event's time, in event time: the
 * row with the greatest {@code valid_from <= event_time}, the same rule the training set's as-of
 * join uses, so the model sees online what it saw in training.
 *
 * <p>An event waits in state until the watermark passes its time. The feature rows come from
 * the same watermarked stream (a row valid from T is emitted when the watermark reaches T), so
 * by then every row valid at or before the event has arrived. Rows older than the one an event
 * used are dropped: later events need a later or the same row. An event already behind the
 * watermark when it arrives is scored at once with the rows still held, and counted.
 */
public final class PointInTimeFeatures extends KeyedCoProcessFunction<String, FeatureRow, FeatureInput, ScoringRequest> {

  /** The stored value of an expired entity (TTL tombstone). */
  private static final double[] EXPIRED = new double[0];

  private final int width;
  private transient MapState<Long, double[]> rows;
  private transient MapState<Long, List<String>> waiting;
  private transient Counter lateEvents;

  public PointInTimeFeatures(int width) {
    this.width = width;
  }

  @Override
  public void open(OpenContext openContext) {
    rows = getRuntimeContext().getMapState(new MapStateDescriptor<>("rows", Types.LONG,
        TypeInformation.of(double[].class)));
    waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting", Types.LONG, Types.LIST(Types.STRING)));
    lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
  }

  @Override
  public void processElement1(FeatureRow row, Context ctx, Collector<ScoringRequest> out) throws Exception {
    // A correction (same valid_from, later emission) replaces the row it corrects.
    rows.put(row.validFrom, row.tombstone ? EXPIRED : row.values);
  }

  @Override
  public void processElement2(FeatureInput event, Context ctx, Collector<ScoringRequest> out) throws Exception {
    if (event.eventTime <= ctx.timerService().currentWatermark()) {
      lateEvents.inc();
      emit(event.eventId, event.entity, event.eventTime, out);
      return;
    }
    List<String> ids = waiting.get(event.eventTime);
    if (ids == null) {
      ids = new ArrayList<>(1);
      ctx.timerService().registerEventTimeTimer(event.eventTime);
    }
    ids.add(event.eventId);
    waiting.put(event.eventTime, ids);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScoringRequest> out) throws Exception {
    List<String> ids = waiting.get(timestamp);
    waiting.remove(timestamp);
    if (ids == null) {
      return;
    }
    for (String id : ids) {
      emit(id, ctx.getCurrentKey(), timestamp, out);
    }
    pruneBefore(timestamp);
  }

  private void emit(String eventId, String entity, long eventTime, Collector<ScoringRequest> out) throws Exception {
    long validFrom = -1;
    double[] values = null;
    for (Map.Entry<Long, double[]> e : rows.entries()) {
      if (e.getKey() <= eventTime && e.getKey() > validFrom) {
        validFrom = e.getKey();
        values = e.getValue();
      }
    }
    if (values == null || values == EXPIRED || values.length == 0) {
      double[] missing = new double[width];
      Arrays.fill(missing, Double.NaN);
      out.collect(new ScoringRequest(eventId, entity, eventTime, -1, missing));
    } else {
      out.collect(new ScoringRequest(eventId, entity, eventTime, validFrom, values));
    }
  }

  /** Drops rows no later event can use: those older than the newest row valid at {@code time}. */
  private void pruneBefore(long time) throws Exception {
    long keep = Long.MIN_VALUE;
    for (Long validFrom : rows.keys()) {
      if (validFrom <= time && validFrom > keep) {
        keep = validFrom;
      }
    }
    Iterator<Long> it = rows.keys().iterator();
    while (it.hasNext()) {
      if (it.next() < keep) {
        it.remove();
      }
    }
    if (keep != Long.MIN_VALUE && rows.get(keep).length == 0 && waiting.isEmpty()) {
      // Expired and nothing waiting: the entity leaves state entirely.
      rows.remove(keep);
    }
  }
}
