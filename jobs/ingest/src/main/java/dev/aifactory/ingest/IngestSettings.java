package dev.aifactory.ingest;

import dev.aifactory.common.JobConfig;
import dev.aifactory.ingest.domain.DomainSpec;
import dev.aifactory.ingest.domain.DomainSpecs;
import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.classification.Classifications;
import dev.aifactory.schemas.tokens.Keyring;
import dev.aifactory.schemas.wire.DecodeLimits;
import java.nio.file.Path;
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
 * @param maxPayloadBytes the largest raw message decoded; larger ones are quarantined
 *     ({@code PAYLOAD_TOO_LARGE}), and no field inside a message may declare more bytes or items
 * @param maxQuarantineOriginalBytes how much of a quarantined message (and of its key) is kept in
 *     quarantine, which also keeps its full length and SHA-256; keeps every quarantine record far
 *     below a Kafka producer's {@code max.request.size}
 * @param parkWhenRegistryUnavailable whether messages whose schema the registry cannot serve
 *     right now wait and are retried (streaming runs) rather than quarantined at once (bounded
 *     runs, which must end)
 * @param registryRetryInterval how often parked messages are tried again
 * @param registryParkMax how long a message may wait for the registry before it is quarantined
 *     as {@code REGISTRY_UNAVAILABLE} (replay it with {@code factory quarantine replay})
 * @param tokenKeyring the keyring file whose active key tokenizes classified fields on their
 *     way to silver (read on each task manager; see {@code Keyring}); null only when no domain
 *     has a classified field
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
    String team,
    int maxPayloadBytes,
    int maxQuarantineOriginalBytes,
    boolean parkWhenRegistryUnavailable,
    Duration registryRetryInterval,
    Duration registryParkMax,
    String tokenKeyring) implements Serializable {

  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 512 * 1024;
  public static final int DEFAULT_MAX_QUARANTINE_ORIGINAL_BYTES = 64 * 1024;

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
        config.get("ingest.team", "data"),
        config.getInt("ingest.decode.max-payload-bytes", DEFAULT_MAX_PAYLOAD_BYTES),
        config.getInt("ingest.quarantine.max-original-bytes", DEFAULT_MAX_QUARANTINE_ORIGINAL_BYTES),
        !config.getBoolean("ingest.bounded", false),
        config.getDuration("ingest.registry.retry-interval", Duration.ofSeconds(10)),
        config.getDuration("ingest.registry.park-max", Duration.ofHours(1)),
        config.get("governance.tokens.keyring", "").isBlank() ? null : config.get("governance.tokens.keyring"));
  }

  /**
   * Fails with a clear message, before the job is submitted, when a domain carries classified
   * fields and no readable keyring is configured: silver would otherwise get raw values, or the
   * tasks would fail on their first record.
   */
  public void requireKeyringForClassifiedFields() {
    for (DomainSpec d : domains) {
      var classified = Classifications.of(SchemaCatalog.bundled().contract(d.contract()).schema());
      if (!classified.isEmpty()) {
        if (tokenKeyring == null) {
          throw new IllegalArgumentException("domain " + d.name() + " has classified fields " + classified.classesByField()
              + ", which silver holds as tokens: set governance.tokens.keyring to the token keyring file (README: Governance)");
        }
        Keyring.load(Path.of(tokenKeyring));
        return;
      }
    }
  }

  public DecodeLimits decodeLimits() {
    return new DecodeLimits(maxPayloadBytes);
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
