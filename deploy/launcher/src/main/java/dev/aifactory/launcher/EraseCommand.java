package dev.aifactory.launcher;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.erasure.Erasure;
import dev.aifactory.common.erasure.ErasureRequest;
import dev.aifactory.common.erasure.Tombstones;
import dev.aifactory.features.online.RedisOnlineStore;
import dev.aifactory.features.online.RedisSettings;
import java.time.Duration;
import dev.aifactory.common.policy.Policy;
import dev.aifactory.schemas.classification.DataClass;
import dev.aifactory.schemas.tokens.Keyring;
import dev.aifactory.schemas.tokens.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code factory erase --entity <raw id>}: removes one card's data from every zone (README:
 * Governance, erasure). A privacy officer's action, checked against the policy.
 */
@Command(name = "erase", mixinStandardHelpOptions = true,
    description = "Erase one entity (a raw card id) from every Iceberg table and tombstone it on compacted topics.")
final class EraseCommand implements Callable<Integer> {

  static final List<String> ZONES = List.of("raw", "bronze", "quarantine", "silver", "gold");

  @Option(names = "--entity", required = true, description = "The raw identifier, as the source sent it.")
  String entity;

  @Option(names = "--warehouse", defaultValue = "${env:FACTORY_WAREHOUSE:-.factory/warehouse}", description = "The Hadoop warehouse (default: ${DEFAULT-VALUE}).")
  String warehouse;

  @Option(names = "--keyring", defaultValue = ".factory/keys/tokens.keyring", description = "The token keyring (default: ${DEFAULT-VALUE}).")
  Path keyring;

  @Option(names = "--bootstrap", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}", description = "Kafka (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--topics", split = ",", defaultValue = "features.card_id",
      description = "Compacted topics keyed by the entity's token, or by keys ending in :<token> (default: ${DEFAULT-VALUE}).")
  List<String> topics;

  @Option(names = "--role", defaultValue = "privacy_officer", description = "The role erasing (default: ${DEFAULT-VALUE}).")
  String role;

  @Parameters(arity = "0..*", description = "More options as --key value pairs (iceberg.catalog.*, kafka.producer.*, governance.policy.file;"
          + " online.store redis and online.redis.uri to erase the card from the Redis online store too).")
  List<String> options = List.of();

  @Override
  public Integer call() throws Exception {
    JobConfig config = WarehouseConfig.load("ingest-defaults.properties", warehouse, options);
    Policy policy = Policy.from(config);
    List<String> classes = Arrays.stream(DataClass.values()).map(DataClass::label).toList();
    ZONES.forEach(zone -> policy.requireRead(role, zone, classes));

    ErasureRequest request = new ErasureRequest(entity, new Tokenizer(Keyring.load(keyring)).candidates(entity));
    Erasure.Report report = Erasure.eraseEverywhere(IcebergCatalogs.loader(config).loadCatalog(), request);
    report.tables().forEach(t -> System.out.printf("%-40s %6d rows removed, %d files rewritten, %d snapshots expired%n",
        t.table(), t.rowsRemoved(), t.filesRewritten(), t.snapshotsExpired()));
    for (Tombstones.TopicResult t : Tombstones.send(bootstrap, config.properties("kafka.producer."),
        config.properties("kafka.consumer."), topics, request.tokens())) {
      System.out.println(t.tombstoned() ? t.topic() + ": tombstoned " + t.keys() + " key(s)"
          : t.topic() + ": not compacted; its records age out with retention.ms=" + t.retentionMs());
    }
    RedisSettings redis = RedisSettings.from(config, Duration.ZERO);
    if (redis != null) {
      try (RedisOnlineStore store = new RedisOnlineStore(redis)) {
        System.out.println("online store (Redis): deleted " + store.erase(request.tokens()) + " key(s)");
      }
    }
    System.out.printf("erased %d rows of the entity; raw topics and the silver and scores topics keep theirs until their retention ends%n",
        report.rowsRemoved());
    return 0;
  }
}
