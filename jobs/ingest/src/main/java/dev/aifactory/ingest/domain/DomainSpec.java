package dev.aifactory.ingest.domain;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.aifactory.ingest.quality.RuleSpec;
import java.io.Serializable;
import java.util.List;

/**
 * What the ingest job needs to know about one domain, declared in {@code domains/<name>.yaml}:
 * its raw topic, its contract (newest schema version of a record name), which fields carry the
 * event id and the event time, and its quality rules.
 */
public record DomainSpec(
    @JsonProperty("name") String name,
    @JsonProperty("topic") String topic,
    @JsonProperty("contract") String contract,
    @JsonProperty("event_id_field") String eventIdField,
    @JsonProperty("event_time_field") String eventTimeField,
    @JsonProperty("plain_writer_schema") String plainWriterSchema,
    @JsonProperty("rules") List<RuleSpec> rules) implements Serializable {

  public DomainSpec withTopic(String newTopic) {
    return new DomainSpec(name, newTopic, contract, eventIdField, eventTimeField, plainWriterSchema, rules);
  }

  public DomainSpec withPlainWriterSchema(String file) {
    return new DomainSpec(name, topic, contract, eventIdField, eventTimeField, file, rules);
  }
}
