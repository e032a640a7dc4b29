package dev.aifactory.launcher;

import dev.aifactory.cost.telemetry.DcgmUsage;
import dev.aifactory.cost.telemetry.TelemetryAdapter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Feeds the usage topic from a DCGM exporter. */
@Command(name = "telemetry", mixinStandardHelpOptions = true,
    description = "Scrape a DCGM exporter (Prometheus text) and publish one Usage sample per GPU to the usage topic.")
final class TelemetryCommand implements Callable<Integer> {

  @Option(names = "--url", required = true, description = "The exporter's metrics endpoint, for example http://gpu-node:9400/metrics.")
  URI url;

  @Option(names = "--bootstrap", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--topic", defaultValue = "telemetry.usage", description = "Usage topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--interval", defaultValue = "15s", description = "Scrape interval (default: ${DEFAULT-VALUE}).")
  String interval;

  @Option(names = "--count", defaultValue = "-1", description = "Scrapes to make; negative for no end (default: ${DEFAULT-VALUE}).")
  long count;

  @Option(names = "--team", defaultValue = "platform", description = "Team of GPUs no pod holds, or without a namespace label (default: ${DEFAULT-VALUE}).")
  String team;

  @Option(names = "--workload-class", defaultValue = "online_inference",
      description = "Workload class of GPUs a pod holds (default: ${DEFAULT-VALUE}).")
  String workloadClass;

  @Override
  public Integer call() throws Exception {
    try (TelemetryAdapter adapter = new TelemetryAdapter(url, bootstrap, topic, new DcgmUsage.Owners(team, workloadClass))) {
      adapter.run(dev.aifactory.common.JobConfig.parseDuration(interval), count);
    }
    return 0;
  }
}
