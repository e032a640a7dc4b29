package dev.aifactory.ingest.dedup;

import dev.aifactory.ingest.model.Accepted;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets the first record of each event id through and drops later ones, keyed by
 * {@link Accepted#dedupKey()}. The "seen" flag lives in keyed state with a TTL (producer retries
 * arrive within minutes; a week bounds the state), so on RocksDB the state stays bounded and
 * survives restarts and rescaling. Duplicates are counted; they remain in bronze.
 */
public final class DeduplicateByEventId extends KeyedProcessFunction<String, Accepted, Accepted> {

  /** State name is part of the savepoint contract: do not rename. */
  public static final String SEEN_STATE = "event-id-seen";

  private final Duration ttl;
  private transient ValueState<Boolean> seen;
  private transient Counter duplicates;

  public DeduplicateByEventId(Duration ttl) {
    this.ttl = ttl;
  }

  @Override
  public void open(OpenContext openContext) {
    ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>(SEEN_STATE, Types.BOOLEAN);
    descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
        .build());
    seen = getRuntimeContext().getState(descriptor);
    duplicates = getRuntimeContext().getMetricGroup().addGroup("ingest").counter("duplicates");
  }

  @Override
  public void processElement(Accepted record, Context ctx, Collector<Accepted> out) throws Exception {
    if (seen.value() != null) {
      duplicates.inc();
      return;
    }
    seen.update(Boolean.TRUE);
    out.collect(record);
  }
}
