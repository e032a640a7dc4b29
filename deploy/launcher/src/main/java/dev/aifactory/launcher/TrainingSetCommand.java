package dev.aifactory.launcher;

import dev.aifactory.common.JobConfig;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.training.TrainingSetJob;
import dev.aifactory.features.training.TrainingSetRequest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Builds a point-in-time training set from the feature history, the events and their labels. */
@Command(name = "training-set", mixinStandardHelpOptions = true,
    description = "Join events with their features as of each event's time, and their labels, into gold.training_<name>.")
final class TrainingSetCommand implements Callable<Integer> {

  @Option(names = "--view", defaultValue = "card_activity", description = "Feature view, bundled name or YAML path (default: ${DEFAULT-VALUE}).")
  String view;

  @Option(names = "--name", required = true, description = "The output table is gold.training_<name>; it must not exist.")
  String name;

  @Option(names = "--from", required = true, description = "First event time, ISO-8601 (2026-01-01T00:00:00Z).")
  Instant from;

  @Option(names = "--to", required = true, description = "Event time the range ends before, ISO-8601.")
  Instant to;

  @Option(names = "--as-of-ingestion", description = "Use feature rows as they had been emitted when each event was ingested.")
  boolean asOfIngestion;

  @Option(names = "--served", description = "Use the vectors the scoring job served (gold.predictions) instead of"
      + " recomputing them from the feature history: what the model saw online, event by event.")
  boolean served;

  @Option(names = "--warehouse", defaultValue = "${env:FACTORY_WAREHOUSE:-.factory/warehouse}",
      description = "Local Iceberg warehouse (default: ${DEFAULT-VALUE}); --iceberg.catalog.* options override.")
  String warehouse;

  @Parameters(arity = "0..*", description = "More options as --key value pairs (iceberg.catalog.*, flink.*).")
  List<String> options = List.of();

  @Override
  public Integer call() throws Exception {
    JobConfig config = WarehouseConfig.load("features-defaults.properties", warehouse, options);
    var out = TrainingSetJob.run(config,
        new TrainingSetRequest(FeatureViews.load(view), name, from, to, asOfIngestion,
            served ? dev.aifactory.scoring.sink.PredictionTable.PREDICTIONS : null));
    System.out.println("wrote " + out);
    return 0;
  }
}
