package dev.aifactory.ingest.domain;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.aifactory.ingest.quality.RuleSpec;
import java.io.Serializable;
import java.util.List;

/**
 * What the ingest job needs to know about one domain, declared in {@code domains/<name>.yaml}:
 * its raw topic, its contract (newest schema version of a record name), which fields carry the
 * event id and the event time, and its quality rules.
 *
 * <p>{@code max_string_length} bounds every string field of the contract that no rule bounds
 * explicitly (default {@value #DEFAULT_MAX_STRING_LENGTH} characters): no unbounded value reaches
 * silver, a Kafka key or an online store. {@link DomainSpecs} turns it into one
 * {@code <field>_max_length} rule per such field, so the dq table counts it like any other rule.
 */
public record DomainSpec(
    @JsonProperty("name") String name,
    @JsonProperty("topic") String topic,
    @JsonProperty("contract") String contract,
    @JsonProperty("event_id_field") String eventIdField,
    @JsonProperty("event_time_field") String eventTimeField,
    @JsonProperty("plain_writer_schema") String plainWriterSchema,
    @JsonProperty("rules") List<RuleSpec> rules,
    @JsonProperty("max_string_length") Integer maxStringLength) implements Serializable {

  public static final int DEFAULT_MAX_STRING_LENGTH = 256;

  public int stringLengthLimit() {
    return maxStringLength == null ? DEFAULT_MAX_STRING_LENGTH : maxStringLength;
  }

  public DomainSpec withRules(List<RuleSpec> newRules) {
    return new DomainSpec(name, topic, contract, eventIdField, eventTimeField, plainWriterSchema, newRules, maxStringLength);
  }

  public DomainSpec withTopic(String newTopic) {
    return new DomainSpec(name, newTopic, contract, eventIdField, eventTimeField, plainWriterSchema, rules, maxStringLength);
  }

  public DomainSpec withPlainWriterSchema(String file) {
    return new DomainSpec(name, topic, contract, eventIdField, eventTimeField, file, rules, maxStringLength);
  }
}
