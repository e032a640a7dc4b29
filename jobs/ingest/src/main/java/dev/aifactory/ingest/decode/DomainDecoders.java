package dev.aifactory.ingest.decode;

import dev.aifactory.ingest.IngestSettings;
import dev.aifactory.ingest.domain.DomainSpec;
import dev.aifactory.ingest.quality.QualityRule;
import dev.aifactory.ingest.quality.Rules;
import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.classification.Classifications;
import dev.aifactory.schemas.tokens.Keyring;
import dev.aifactory.schemas.tokens.Tokenizer;
import dev.aifactory.schemas.wire.DetectingWireFormat;
import dev.aifactory.schemas.wire.PayloadDecoder;
import dev.aifactory.schemas.wire.PlainAvroFormat;
import dev.aifactory.schemas.wire.RegistryFramedFormat;
import dev.aifactory.schemas.wire.SchemaRegistryClient;
import dev.aifactory.schemas.wire.SingleObjectFormat;
import dev.aifactory.schemas.wire.UndecodableException;
import dev.aifactory.schemas.wire.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Per-task decoding state for every domain: a {@link PayloadDecoder} on the domain's wire
 * format, its compiled quality rules and its contract's classified fields, found by topic or
 * by domain name. Built in
 * {@code open()}; decoders are not thread-safe and not serializable.
 */
public final class DomainDecoders {

  private final Map<String, Domain> byTopic = new HashMap<>();
  private final Map<String, Domain> byName = new HashMap<>();
  private final String tokenKeyring;
  private Tokenizer tokens;

  public DomainDecoders(IngestSettings settings) {
    tokenKeyring = settings.tokenKeyring();
    SchemaCatalog catalog = SchemaCatalog.bundled();
    SchemaRegistryClient registry = settings.registryUrl() == null ? null : SchemaRegistryClient.shared(settings.registryUrl());
    for (DomainSpec spec : settings.domains()) {
      Schema contract = catalog.contract(spec.contract()).schema();
      WireFormat format = spec.plainWriterSchema() != null
          ? new PlainAvroFormat(readBundledSchema(spec.plainWriterSchema()))
          : new DetectingWireFormat(new SingleObjectFormat(catalog), registry == null ? null : new RegistryFramedFormat(registry));
      Domain domain = new Domain(spec, new PayloadDecoder(format, contract, settings.decodeLimits()),
          Rules.from(spec.rules() == null ? List.of() : spec.rules(), contract), Classifications.of(contract));
      byTopic.put(spec.topic(), domain);
      byName.put(spec.name(), domain);
    }
  }

  public Domain forTopic(String topic) {
    return byTopic.get(topic);
  }

  public Domain forName(String name) {
    Domain d = byName.get(name);
    if (d == null) {
      throw new IllegalArgumentException("unknown domain " + name);
    }
    return d;
  }

  /**
   * The silver form of a payload: decoded as the domain's contract, with every classified field
   * protected as its schema declares (tokens, rounded coordinates, truncated addresses). Raw
   * classified values stay in bronze and quarantine only.
   */
  public GenericRecord silverRecord(String domainName, byte[] payload) throws UndecodableException {
    Domain domain = forName(domainName);
    GenericRecord record = domain.decoder().decodeAsContract(payload).record();
    if (domain.classifications().isEmpty()) {
      return record;
    }
    if (tokens == null) {
      if (tokenKeyring == null) {
        throw new IllegalStateException("domain " + domainName + " has classified fields and no governance.tokens.keyring is set");
      }
      tokens = new Tokenizer(Keyring.load(Path.of(tokenKeyring)));
    }
    return domain.classifications().protect(record, tokens);
  }

  private static Schema readBundledSchema(String file) {
    try (InputStream in = DomainDecoders.class.getClassLoader().getResourceAsStream("avro/" + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no bundled schema avro/" + file);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One domain's decoder and rules. */
  public record Domain(DomainSpec spec, PayloadDecoder decoder, List<QualityRule> rules, Classifications classifications) {}
}
