package dev.aifactory.ingest.domain;

import dev.aifactory.common.JobConfig;
import dev.aifactory.common.YamlDefinitions;
import dev.aifactory.ingest.quality.Rules;
import dev.aifactory.schemas.SchemaCatalog;
import java.util.ArrayList;
import java.util.List;

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
    Rules.from(spec.rules() == null ? List.of() : spec.rules(), contract);
    return spec;
  }
}
