package dev.aifactory.ingest.decode;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.ingest.IngestSettings;
import dev.aifactory.ingest.model.Accepted;
import dev.aifactory.ingest.model.Decoded;
import dev.aifactory.ingest.model.Parked;
import dev.aifactory.ingest.model.Quarantined;
import dev.aifactory.schemas.wire.UndecodableReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Messages that waited for the schema registry, retried per Kafka partition, in offset order,
 * every {@code ingest.registry.retry-interval}:
 * <ul>
 *   <li>decoded now: they go on like any other message (bronze, rules, silver);</li>
 *   <li>undecodable for another reason (the registry answered: no such id): quarantined with it;</li>
 *   <li>still waiting after {@code ingest.registry.park-max}: quarantined as
 *       {@code REGISTRY_UNAVAILABLE}, from where {@code factory quarantine replay} re-ingests them.</li>
 * </ul>
 * They wait in keyed state (RocksDB), so they survive restarts and are in every checkpoint: none
 * is lost, and none is decoded twice, since a retry that succeeds removes it in the same step.
 * The first message of a partition still waiting stops that round for the partition: with the
 * registry down, one lookup per round is enough to know.
 */
public final class RetryParkedRecords extends KeyedProcessFunction<String, Parked, Accepted> {

  public static final OutputTag<DeadLetter> GAVE_UP = new OutputTag<>("parked-then-quarantined") {};

  private final IngestSettings settings;
  private transient EdgeDecoder edge;
  private transient MapState<Long, Parked> waiting;
  private transient ValueState<Long> nextRetry;
  private transient Counter retried;
  private transient Counter gaveUp;

  public RetryParkedRecords(IngestSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext openContext) {
    edge = new EdgeDecoder(settings, getRuntimeContext().getMetricGroup());
    // Keyed by Kafka offset: RocksDB iterates a map's entries in key order, so retries keep the
    // partition's order.
    waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("parked", Types.LONG, TypeInformation.of(Parked.class)));
    nextRetry = getRuntimeContext().getState(new ValueStateDescriptor<>("next-retry", Types.LONG));
    var group = getRuntimeContext().getMetricGroup().addGroup("ingest");
    retried = group.counter("parkedThenDecoded");
    gaveUp = group.counter("parkedThenQuarantined");
  }

  @Override
  public void processElement(Parked parked, Context ctx, Collector<Accepted> out) throws Exception {
    waiting.put(parked.raw.offset, parked);
    if (nextRetry.value() == null) {
      long at = ctx.timerService().currentProcessingTime() + settings.registryRetryInterval().toMillis();
      ctx.timerService().registerProcessingTimeTimer(at);
      nextRetry.update(at);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Accepted> out) throws Exception {
    nextRetry.clear();
    long now = System.currentTimeMillis();
    List<Long> done = new ArrayList<>();
    for (Map.Entry<Long, Parked> entry : waiting.entries()) {
      Parked parked = entry.getValue();
      Decoded again = edge.decode(parked.raw);
      if (again.accepted != null) {
        retried.inc();
        out.collect(again.accepted);
      } else if (again.undecodable != null) {
        ctx.output(GAVE_UP, again.undecodable);
      } else if (now - parked.parkedAt >= settings.registryParkMax().toMillis()) {
        gaveUp.inc();
        ctx.output(GAVE_UP, Quarantined.undecodable(edge.domainOf(parked.raw.topic), parked.raw, UndecodableReason.REGISTRY_UNAVAILABLE.name(),
            "waited " + (now - parked.parkedAt) / 1000 + " s for the schema registry: " + again.parked.detail, now,
            settings.maxQuarantineOriginalBytes()));
      } else {
        break; // the registry still cannot answer: the rest of this partition waits too
      }
      done.add(entry.getKey());
    }
    for (Long offset : done) {
      waiting.remove(offset);
    }
    if (!waiting.isEmpty()) {
      long at = ctx.timerService().currentProcessingTime() + settings.registryRetryInterval().toMillis();
      ctx.timerService().registerProcessingTimeTimer(at);
      nextRetry.update(at);
    }
  }
}
