package dev.aifactory.ingest.domain;

import dev.aifactory.common.JobConfig;
import dev.aifactory.common.YamlDefinitions;
import dev.aifactory.ingest.quality.RuleSpec;
import dev.aifactory.ingest.quality.Rules;
import dev.aifactory.schemas.SchemaCatalog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Loads domain files: bundled ones by name ({@code transactions}) or any YAML file by path.
 * Each is validated against the schema catalog at load time, so a typo fails the job's start,
 * not its first record.
 */
public final class DomainSpecs {

  private DomainSpecs() {}

  /** Domains from {@code ingest.domains}, with per-domain overrides {@code ingest.domain.<name>.topic}. */
  public static List<DomainSpec> fromConfig(JobConfig config) {
    List<DomainSpec> domains = new ArrayList<>();
    for (String name : config.get("ingest.domains").split(",")) {
      name = name.strip();
      DomainSpec spec = load(name);
      String prefix = "ingest.domain." + spec.name() + ".";
      spec = spec.withTopic(config.get(prefix + "topic", spec.topic()));
      String plain = config.get(prefix + "plain-writer-schema", spec.plainWriterSchema());
      domains.add(validate(spec.withPlainWriterSchema(plain)));
    }
    return domains;
  }

  public static DomainSpec load(String nameOrPath) {
    return validate(YamlDefinitions.read(nameOrPath, "domains", "domain", DomainSpec.class));
  }


  static DomainSpec validate(DomainSpec spec) {
    var contract = SchemaCatalog.bundled().contract(spec.contract()).schema();
    for (String field : List.of(spec.eventIdField(), spec.eventTimeField())) {
      if (contract.getField(field) == null) {
        throw new IllegalArgumentException("domain " + spec.name() + ": contract has no field " + field);
      }
    }
    if (spec.stringLengthLimit() <= 0) {
      throw new IllegalArgumentException("domain " + spec.name() + ": max_string_length must be positive");
    }
    DomainSpec bounded = withStringLengthRules(spec, contract);
    Rules.from(bounded.rules(), contract);
    return bounded;
  }

  /**
   * Adds a {@code <field>_max_length} rule for each string field of the contract that no declared
   * rule bounds, at the domain's {@code max_string_length}. Idempotent.
   */
  static DomainSpec withStringLengthRules(DomainSpec spec, Schema contract) {
    List<RuleSpec> rules = new ArrayList<>(spec.rules() == null ? List.of() : spec.rules());
    Set<String> bounded = new HashSet<>();
    rules.stream().filter(r -> r.maxLength() != null).forEach(r -> bounded.add(r.field()));
    for (Schema.Field field : contract.getFields()) {
      if (isString(field.schema()) && !bounded.contains(field.name())) {
        rules.add(new RuleSpec(field.name() + "_max_length", field.name(), null, null, null, null, null,
            spec.stringLengthLimit(), null, null));
      }
    }
    return spec.withRules(List.copyOf(rules));
  }

  private static boolean isString(Schema schema) {
    return switch (schema.getType()) {
      case STRING -> true;
      case UNION -> schema.getTypes().stream().anyMatch(DomainSpecs::isString);
      default -> false;
    };
  }
}
