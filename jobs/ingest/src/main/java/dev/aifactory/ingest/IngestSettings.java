package dev.aifactory.ingest;

import dev.aifactory.common.JobConfig;
import dev.aifactory.ingest.domain.DomainSpec;
import dev.aifactory.ingest.domain.DomainSpecs;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * The ingest job's typed settings, read once from {@link JobConfig} in {@code main} (or built by
 * tests) and shipped to the operators.
 *
 * @param domains the domains this job ingests (topic, contract, rules)
 * @param registryUrl Confluent-compatible schema registry for the registry framing, or null
 * @param outOfOrderness how far event time may go backwards before records count as late
 * @param idleness after how long a silent split stops holding the watermark back
 * @param dedupTtl how long an event id is remembered for deduplication
 * @param dqWindow the event-time window of the dq table
 * @param quarantineTopic the Kafka topic quarantined messages are also written to
 * @param silverTopicPrefix silver records of domain d go to topic prefix + d
 * @param usageTopic where records ingested per domain and dq window are metered for the cost
 *     job (Avro {@code Usage}); blank for none
 * @param team the team metering records are labelled with
 */
public record IngestSettings(
    List<DomainSpec> domains,
    String registryUrl,
    Duration outOfOrderness,
    Duration idleness,
    Duration dedupTtl,
    Duration dqWindow,
    String quarantineTopic,
    String silverTopicPrefix,
    String usageTopic,
    String team) implements Serializable {

  public static IngestSettings from(JobConfig config) {
    String registry = config.get("schema.registry.url", "");
    return new IngestSettings(
        DomainSpecs.fromConfig(config),
        registry.isBlank() ? null : registry,
        config.getDuration("ingest.watermark.out-of-orderness", Duration.ofSeconds(30)),
        config.getDuration("ingest.watermark.idleness", Duration.ofSeconds(30)),
        config.getDuration("ingest.dedup.ttl", Duration.ofDays(7)),
        config.getDuration("ingest.dq.window", Duration.ofMinutes(1)),
        config.get("ingest.quarantine.topic", "ingest.quarantine"),
        config.get("ingest.silver.topic-prefix", "silver."),
        config.get("ingest.usage.topic", ""),
        config.get("ingest.team", "data"));
  }

  public DomainSpec domain(String name) {
    return domains.stream().filter(d -> d.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown domain " + name));
  }

  public List<String> topics() {
    return domains.stream().map(DomainSpec::topic).toList();
  }

  public String silverTopic(String domain) {
    return silverTopicPrefix + domain;
  }
}
