package dev.aifactory.ingest.dedup;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.ingest.model.Accepted;
import dev.aifactory.ingest.model.Quarantined;
import java.time.Duration;
import org.apache.avro.SchemaNormalization;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Lets the first record of each event id through, keyed by {@link Accepted#dedupKey()}, and
 * tells the later ones apart:
 * <ul>
 *   <li>a redelivery (the same bytes again: a producer retry, a replayed partition) is dropped and
 *       counted; it remains in bronze;</li>
 *   <li>a conflicting duplicate (the same id with other bytes: a producer bug, an id collision, a
 *       correction sent as a new event) is not the same thing and is never dropped silently: it
 *       leaves through {@link #CONFLICTS} as a quarantine record with reason
 *       {@code CONFLICTING_DUPLICATE}, and silver keeps the first version.</li>
 * </ul>
 * A 64-bit fingerprint of the payload lives in keyed state with a TTL (producer retries arrive
 * within minutes; a week bounds the state), so on RocksDB the state stays bounded and survives
 * restarts and rescaling. The same content framed differently (another schema version or wire
 * format) counts as a conflict: it is flagged, which errs on the side of telling.
 */
public final class DeduplicateByEventId extends KeyedProcessFunction<String, Accepted, Accepted> {

  /** State names are part of the savepoint contract: do not rename. */
  public static final String CONTENT_STATE = "event-id-content";
  /** Before conflicts were told apart, only a flag was kept: read so upgraded jobs still dedup. */
  public static final String SEEN_STATE = "event-id-seen";

  public static final OutputTag<DeadLetter> CONFLICTS = new OutputTag<>("conflicting-duplicates") {};

  private final Duration ttl;
  private final int maxOriginalBytes;
  private transient ValueState<Long> content;
  private transient ValueState<Boolean> seenBeforeUpgrade;
  private transient Counter duplicates;
  private transient Counter conflicts;

  public DeduplicateByEventId(Duration ttl, int maxOriginalBytes) {
    this.ttl = ttl;
    this.maxOriginalBytes = maxOriginalBytes;
  }

  @Override
  public void open(OpenContext openContext) {
    StateTtlConfig expiry = StateTtlConfig.newBuilder(ttl)
        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
        .build();
    ValueStateDescriptor<Long> contentDescriptor = new ValueStateDescriptor<>(CONTENT_STATE, Types.LONG);
    contentDescriptor.enableTimeToLive(expiry);
    content = getRuntimeContext().getState(contentDescriptor);
    ValueStateDescriptor<Boolean> seenDescriptor = new ValueStateDescriptor<>(SEEN_STATE, Types.BOOLEAN);
    seenDescriptor.enableTimeToLive(expiry);
    seenBeforeUpgrade = getRuntimeContext().getState(seenDescriptor);
    var group = getRuntimeContext().getMetricGroup().addGroup("ingest");
    duplicates = group.counter("duplicates");
    conflicts = group.counter("conflictingDuplicates");
  }

  @Override
  public void processElement(Accepted record, Context ctx, Collector<Accepted> out) throws Exception {
    long fingerprint = SchemaNormalization.fingerprint64(record.payload);
    Long first = content.value();
    if (first == null && seenBeforeUpgrade.value() != null) {
      duplicates.inc(); // first seen by an older version of this job, content unknown
      return;
    }
    if (first == null) {
      content.update(fingerprint);
      out.collect(record);
    } else if (first == fingerprint) {
      duplicates.inc();
    } else {
      conflicts.inc();
      ctx.output(CONFLICTS, Quarantined.conflictingDuplicate(record, "event id " + record.eventId
          + " was first ingested with other content (payload fingerprint " + Long.toHexString(first)
          + ", this one " + Long.toHexString(fingerprint) + "); silver keeps the first", System.currentTimeMillis(),
          maxOriginalBytes));
    }
  }
}
