package dev.aifactory.ingest.domain;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.aifactory.common.JobConfig;
import dev.aifactory.ingest.quality.Rules;
import dev.aifactory.schemas.SchemaCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads domain files: bundled ones by name ({@code transactions}) or any YAML file by path.
 * Each is validated against the schema catalog at load time, so a typo fails the job's start,
 * not its first record.
 */
public final class DomainSpecs {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

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
    try {
      if (nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml")) {
        try (InputStream in = Files.newInputStream(Path.of(nameOrPath))) {
          return validate(YAML.readValue(in, DomainSpec.class));
        }
      }
      try (InputStream in = DomainSpecs.class.getClassLoader().getResourceAsStream("domains/" + nameOrPath + ".yaml")) {
        if (in == null) {
          throw new IllegalArgumentException("no bundled domain '" + nameOrPath + "' (domains/" + nameOrPath + ".yaml)");
        }
        return validate(YAML.readValue(in, DomainSpec.class));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read domain " + nameOrPath, e);
    }
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
