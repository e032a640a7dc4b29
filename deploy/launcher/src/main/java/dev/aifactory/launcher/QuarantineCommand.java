package dev.aifactory.launcher;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.ingest.replay.QuarantineReplay;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Operations on the ingest quarantine. */
@Command(name = "quarantine", mixinStandardHelpOptions = true, description = "Operations on ingest.quarantine.",
    subcommands = QuarantineCommand.Replay.class)
final class QuarantineCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = "Sends quarantined messages with a reason back to their source topic, for the running ingest job to"
          + " take again once the cause is fixed. Safe to repeat: silver deduplicates by event id. Exits 1 if a message"
          + " could not be replayed (quarantine kept only its first bytes and the source topic no longer holds it).")
  static final class Replay implements Callable<Integer> {

    @Option(names = "--reason", required = true, description = "Reason code or rule name, e.g. REGISTRY_UNAVAILABLE.")
    String reason;

    @Option(names = "--from", required = true, description = "Quarantined at or after (ISO-8601 instant).")
    Instant from;

    @Option(names = "--to", description = "Quarantined before (ISO-8601 instant; default: now).")
    Instant to;

    @Option(names = "--bootstrap", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}", description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--warehouse", defaultValue = "${env:FACTORY_WAREHOUSE:-.factory/warehouse}",
        description = "The ingest job's Hadoop warehouse (default: ${DEFAULT-VALUE}, as ingest-defaults.properties).")
    String warehouse;

    @Parameters(arity = "0..*", description = "More options as --key value pairs (iceberg.catalog.*, kafka.producer.*).")
    List<String> options = List.of();

    @Override
    public Integer call() throws Exception {
      JobConfig config = WarehouseConfig.load("ingest-defaults.properties", warehouse, options);
      QuarantineReplay.Result result = QuarantineReplay.replay(IcebergCatalogs.loader(config).loadCatalog(), bootstrap,
          config.properties("kafka.producer."), reason, from, to == null ? Instant.now() : to);
      System.out.println(result.format());
      return result.notReplayable().isEmpty() ? 0 : 1;
    }
  }
}
