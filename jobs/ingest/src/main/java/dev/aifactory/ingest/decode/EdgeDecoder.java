package dev.aifactory.ingest.decode;

import dev.aifactory.ingest.IngestSettings;
import dev.aifactory.ingest.model.Accepted;
import dev.aifactory.ingest.model.Decoded;
import dev.aifactory.ingest.model.Parked;
import dev.aifactory.ingest.model.Quarantined;
import dev.aifactory.ingest.model.RawRecord;
import dev.aifactory.ingest.quality.QualityRule;
import dev.aifactory.schemas.wire.PayloadDecoder;
import dev.aifactory.schemas.wire.UndecodableException;
import dev.aifactory.schemas.wire.UndecodableReason;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;

/**
 * The edge of the factory: decodes each raw message against its domain's contract and runs the
 * domain's quality rules. A message that decodes becomes an {@link Accepted} record (for bronze,
 * and for silver if it passes); one that does not becomes a {@link Quarantined} record with a
 * reason. Nothing a message contains can make this throw: a bad record cannot fail the job.
 *
 * <p>A message from a writer other than the contract is also decoded as written here, because
 * bronze will: whatever the edge accepts, every later stage can read. Writer fields the contract
 * cannot map (a rename it has no alias for) are counted per writer schema and flagged on the
 * record ({@code _unmapped_fields} in bronze and silver), so a value turned into the contract's
 * default is never lost silently: it stays in bronze, as written.
 *
 * <p>Not thread-safe; one per source reader, built when it opens.
 */
public final class EdgeDecoder {

  public static final String UNKNOWN_TOPIC = "UNKNOWN_TOPIC";
  public static final String UNEXPECTED_ERROR = "UNEXPECTED_ERROR";

  private final DomainDecoders decoders;
  private final int maxOriginalBytes;
  private final boolean parkWhenRegistryUnavailable;
  private final Map<String, DomainMetrics> metrics = new HashMap<>();

  public EdgeDecoder(IngestSettings settings, MetricGroup metricGroup) {
    decoders = new DomainDecoders(settings);
    maxOriginalBytes = settings.maxQuarantineOriginalBytes();
    parkWhenRegistryUnavailable = settings.parkWhenRegistryUnavailable();
    MetricGroup group = metricGroup.addGroup("ingest");
    settings.domains().forEach(d -> metrics.put(d.name(), new DomainMetrics(group.addGroup("domain", d.name()),
        decoders.forName(d.name()).rules())));
  }

  /** The domain reading a topic, or null. */
  public String domainOf(String topic) {
    DomainDecoders.Domain domain = decoders.forTopic(topic);
    return domain == null ? null : domain.spec().name();
  }

  public Decoded decode(RawRecord raw) {
    long now = System.currentTimeMillis();
    DomainDecoders.Domain domain = decoders.forTopic(raw.topic);
    if (domain == null) {
      return Decoded.undecodable(Quarantined.undecodable(null, raw, UNKNOWN_TOPIC, "no domain reads topic " + raw.topic, now,
          maxOriginalBytes));
    }
    DomainMetrics m = metrics.get(domain.spec().name());
    m.in.inc();
    try {
      Accepted accepted = decodeAndCheck(domain, raw, now, m);
      m.decoded.inc();
      return Decoded.accepted(accepted);
    } catch (UndecodableException e) {
      if (e.reason() == UndecodableReason.REGISTRY_UNAVAILABLE && parkWhenRegistryUnavailable) {
        m.parked.inc();
        return Decoded.parked(new Parked(raw, now, e.getMessage()));
      }
      m.undecodable.inc();
      return Decoded.undecodable(Quarantined.undecodable(domain.spec().name(), raw, e.reason().name(), e.getMessage(), now,
          maxOriginalBytes));
    } catch (RuntimeException e) {
      // Defence in depth: a bug of ours on one message quarantines it, it does not stop ingestion.
      m.undecodable.inc();
      return Decoded.undecodable(Quarantined.undecodable(domain.spec().name(), raw, UNEXPECTED_ERROR, e.toString(), now,
          maxOriginalBytes));
    }
  }

  private static Accepted decodeAndCheck(DomainDecoders.Domain domain, RawRecord raw, long now, DomainMetrics m)
      throws UndecodableException {
    PayloadDecoder.Decoded decoded = domain.decoder().decodeAsContract(raw.value);
    GenericRecord record = decoded.record();
    Accepted accepted = Accepted.of(domain.spec().name(), raw, decoded.writer().ref(), decoded.writer().fingerprint(),
        decoded.writer().version(), String.valueOf(record.get(domain.spec().eventIdField())),
        ((Number) record.get(domain.spec().eventTimeField())).longValue(), now);
    if (decoded.writerIsContract()) {
      accepted.asWritten = record;
    } else {
      accepted.asWritten = domain.decoder().decodeAsWritten(raw.value).record();
    }
    if (!decoded.unmappedFields().isEmpty()) {
      accepted.unmappedFields = String.join(",", decoded.unmappedFields());
      m.unmapped(decoded.writer().ref()).inc();
    }
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
    final Counter parked;
    final Counter[] violations;
    private final MetricGroup group;
    private final Map<String, Counter> unmappedByWriter = new HashMap<>();

    /** Records whose writer has fields the contract cannot map, per writer schema. */
    Counter unmapped(String writerRef) {
      return unmappedByWriter.computeIfAbsent(writerRef,
          ref -> group.addGroup("writer", ref).counter("recordsWithUnmappedFields"));
    }

    DomainMetrics(MetricGroup group, List<QualityRule> rules) {
      this.group = group;
      in = group.counter("recordsIn");
      decoded = group.counter("decoded");
      undecodable = group.counter("undecodable");
      parked = group.counter("parkedForRegistry");
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
