package dev.aifactory.ingest;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.ingest.decode.RetryParkedRecords;
import dev.aifactory.ingest.decode.SplitUndecodable;
import dev.aifactory.ingest.dedup.DeduplicateByEventId;
import dev.aifactory.ingest.dq.DqCounts;
import dev.aifactory.ingest.dq.DqRowsPerRule;
import dev.aifactory.ingest.dq.RecordsPerDomain;
import dev.aifactory.ingest.model.Accepted;
import dev.aifactory.ingest.model.Decoded;
import dev.aifactory.ingest.model.DqSample;
import dev.aifactory.ingest.model.Parked;
import dev.aifactory.ingest.model.Quarantined;
import dev.aifactory.ingest.sink.IngestSinks;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingProcessingTimeWindows;

/**
 * The ingest job as a function of its source and sinks:
 *
 * <pre>
 * source (decoded, quality-checked, event time) ─┬─ undecodable ───────────┐
 *                                                 ├─ parked for the registry ─ retry ─┬─ decoded (joins below)
 *                                                 │                                   └─ gave up ─ quarantine
 *                                                 └─ decoded ─┬─ bronze      │
 *                                                             ├─ rule violators ─┴─ quarantine
 *                                                             ├─ valid ─ dedup ─ silver
 *                                                             │          └─ conflicting duplicates ─ quarantine
 *                                                             ├─ dq windows (ingest time) ─ dq
 *                                                             └─ records per domain ─ metering
 * </pre>
 *
 * The source decodes (see {@code DecodingDeserializer}) and carries event-time watermarks, so
 * that they are tracked per Kafka partition; {@code QualityAwareWatermarks.strategy} is the
 * strategy it must use.
 *
 * Every raw record ends in bronze or quarantine (or both, for rule violators); silver is bronze
 * less duplicates and violators. Operator uids are stable: they name state in savepoints.
 */
public final class IngestTopology {

  private IngestTopology() {}

  public static void build(DataStream<Decoded> source, IngestSettings settings, IngestSinks sinks) {
    settings.requireKeyringForClassifiedFields();
    // Every operator here emits new objects and keeps no reference to its input after the call,
    // so chained operators may pass records by reference instead of deep-copying each one
    // (payload bytes included) at every step of the chain.
    source.getExecutionEnvironment().getConfig().enableObjectReuse();
    SingleOutputStreamOperator<Accepted> decoded = source
        .process(new SplitUndecodable())
        .uid("split-undecodable").name("split undecodable");
    // Messages whose schema the registry could not serve yet wait and are retried; once decoded
    // they join the others.
    SingleOutputStreamOperator<Accepted> retried = decoded.getSideOutput(SplitUndecodable.PARKED)
        .keyBy(Parked::partitionKey)
        .process(new RetryParkedRecords(settings))
        .uid("retry-parked").name("retry messages parked for the schema registry");
    DataStream<Accepted> timed = decoded.union(retried);

    sinks.bronze(timed);

    int maxOriginal = settings.maxQuarantineOriginalBytes();
    DataStream<DeadLetter> violators = timed
        .filter(r -> !r.passedQuality()).uid("rule-violators").name("rule violators")
        .map(r -> Quarantined.ruleViolation(r, System.currentTimeMillis(), maxOriginal))
        .uid("to-quarantine").name("to quarantine");

    SingleOutputStreamOperator<Accepted> firstSeen = timed
        .filter(Accepted::passedQuality).uid("valid").name("valid")
        .keyBy(Accepted::dedupKey)
        .process(new DeduplicateByEventId(settings.dedupTtl(), maxOriginal))
        .uid("dedup").name("deduplicate by event id");
    sinks.silver(firstSeen);
    sinks.quarantine(decoded.getSideOutput(SplitUndecodable.UNDECODABLE)
        .union(violators, firstSeen.getSideOutput(DeduplicateByEventId.CONFLICTS),
            retried.getSideOutput(RetryParkedRecords.GAVE_UP)));

    // The dq windows count records by when they were checked (ingest time), not by their event
    // time: a rule violator's event time is exactly what cannot be trusted (zero, Long.MIN_VALUE,
    // a century ahead), so event-time windows would drop it as late, fail on it, or keep its
    // window open forever. By ingest time every checked record is counted once, in a window
    // that closes.
    int maxRules = settings.domains().stream().mapToInt(d -> d.rules() == null ? 0 : d.rules().size()).max().orElse(0);
    sinks.dq(timed
        .map(DqSample::of).uid("dq-samples").name("dq samples")
        .keyBy(s -> s.domain)
        .window(TumblingProcessingTimeWindows.of(settings.dqWindow()))
        .aggregate(new DqCounts(maxRules), new DqRowsPerRule(settings))
        .uid("dq-windows").name("dq windows"));

    // Metering is by wall-clock time, like every job's usage: work is charged when it is done,
    // and a record late in event time is still ingested (and metered) once.
    sinks.metering(timed
        .map(r -> r.domain).uid("metered-domains").name("metered domains")
        .keyBy(d -> d)
        .window(TumblingProcessingTimeWindows.of(settings.dqWindow()))
        .aggregate(new RecordsPerDomain.Count(), new RecordsPerDomain.AsMetering())
        .uid("metering-windows").name("records per domain"));
  }
}
