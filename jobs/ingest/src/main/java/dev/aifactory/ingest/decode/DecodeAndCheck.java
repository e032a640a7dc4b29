package dev.aifactory.ingest.decode;

import dev.aifactory.ingest.IngestSettings;
import dev.aifactory.ingest.model.Accepted;
import dev.aifactory.ingest.model.Quarantined;
import dev.aifactory.ingest.model.RawRecord;
import dev.aifactory.ingest.quality.QualityRule;
import dev.aifactory.schemas.wire.PayloadDecoder;
import dev.aifactory.schemas.wire.UndecodableException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The edge of the factory: decodes each raw message against its domain's contract and runs the
 * domain's quality rules. Decoded messages go on (to bronze, and to silver if they pass);
 * undecodable ones go to the {@link #UNDECODABLE} side output with a reason. Nothing thrown by a
 * message ever escapes: a bad record cannot fail the job.
 */
public final class DecodeAndCheck extends ProcessFunction<RawRecord, Accepted> {

  public static final OutputTag<Quarantined> UNDECODABLE = new OutputTag<>("undecodable") {};
  public static final String UNKNOWN_TOPIC = "UNKNOWN_TOPIC";
  public static final String UNEXPECTED_ERROR = "UNEXPECTED_ERROR";

  private final IngestSettings settings;
  private transient DomainDecoders decoders;
  private transient Map<String, DomainMetrics> metrics;

  public DecodeAndCheck(IngestSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext openContext) {
    decoders = new DomainDecoders(settings);
    metrics = new HashMap<>();
    MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("ingest");
    settings.domains().forEach(d -> metrics.put(d.name(), new DomainMetrics(group.addGroup("domain", d.name()),
        decoders.forName(d.name()).rules())));
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<Accepted> out) {
    long now = System.currentTimeMillis();
    DomainDecoders.Domain domain = decoders.forTopic(raw.topic);
    if (domain == null) {
      ctx.output(UNDECODABLE, Quarantined.undecodable(null, raw, UNKNOWN_TOPIC, "no domain reads topic " + raw.topic, now));
      return;
    }
    DomainMetrics m = metrics.get(domain.spec().name());
    m.in.inc();
    Accepted accepted;
    try {
      accepted = decodeAndCheck(domain, raw, now, m);
    } catch (UndecodableException e) {
      m.undecodable.inc();
      ctx.output(UNDECODABLE, Quarantined.undecodable(domain.spec().name(), raw, e.reason().name(), e.getMessage(), now));
      return;
    } catch (RuntimeException e) {
      // Defence in depth: a bug of ours on one message quarantines it, it does not stop ingestion.
      m.undecodable.inc();
      ctx.output(UNDECODABLE, Quarantined.undecodable(domain.spec().name(), raw, UNEXPECTED_ERROR, e.toString(), now));
      return;
    }
    m.decoded.inc();
    // Outside the try: a failure downstream (a sink, a cancelled task) must fail the task and
    // restore from the checkpoint, not be mistaken for a bad record.
    out.collect(accepted);
  }

  private static Accepted decodeAndCheck(DomainDecoders.Domain domain, RawRecord raw, long now, DomainMetrics m)
      throws UndecodableException {
    PayloadDecoder.Decoded decoded = domain.decoder().decodeAsContract(raw.value);
    GenericRecord record = decoded.record();
    Accepted accepted = Accepted.of(domain.spec().name(), raw, decoded.writer().ref(), decoded.writer().fingerprint(),
        decoded.writer().version(), String.valueOf(record.get(domain.spec().eventIdField())),
        ((Number) record.get(domain.spec().eventTimeField())).longValue(), now);
    checkRules(domain.rules(), record, raw.key, now, accepted, m);
    return accepted;
  }

  private static void checkRules(List<QualityRule> rules, GenericRecord record, byte[] key, long now, Accepted accepted,
      DomainMetrics m) {
    long mask = 0;
    for (int i = 0; i < rules.size(); i++) {
      QualityRule rule = rules.get(i);
      String violation = rule.check(record, key, now);
      if (violation != null) {
        mask |= 1L << i;
        m.violations[i].inc();
        if (accepted.violatedRule == null) {
          accepted.violatedRule = rule.name();
          accepted.violationDetail = violation;
        }
      }
    }
    accepted.violationMask = mask;
  }

  /** Counters and rates per domain and rule, visible in the Flink UI and any metrics reporter. */
  private static final class DomainMetrics {
    final Counter in;
    final Counter decoded;
    final Counter undecodable;
    final Counter[] violations;

    DomainMetrics(MetricGroup group, List<QualityRule> rules) {
      in = group.counter("recordsIn");
      decoded = group.counter("decoded");
      undecodable = group.counter("undecodable");
      group.meter("undecodablePerSecond", new MeterView(undecodable));
      violations = new Counter[rules.size()];
      for (int i = 0; i < rules.size(); i++) {
        MetricGroup ruleGroup = group.addGroup("rule", rules.get(i).name());
        violations[i] = ruleGroup.counter("violations");
        ruleGroup.meter("violationsPerSecond", new MeterView(violations[i]));
      }
    }
  }
}
