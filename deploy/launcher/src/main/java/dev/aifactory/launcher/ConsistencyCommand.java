package dev.aifactory.launcher;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.features.FeaturesJobMain;
import dev.aifactory.features.consistency.OnlineOfflineConsistency;
import dev.aifactory.features.consistency.ServedConsistency;
import dev.aifactory.features.consistency.SilverEvents;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.scoring.sink.PredictionTable;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Online/offline consistency. By default it samples the online feature topic and recomputes each
 * entity's newest vector from silver; with {@code --served}, it compares every vector the scoring
 * job served (gold.predictions) with the offline recomputation, event by event.
 */
@Command(name = "consistency", mixinStandardHelpOptions = true,
    description = "Online/offline consistency: per feature, how often the online topic's newest vectors (or, with --served,"
        + " the vectors served with each scored event) differ from a recomputation from silver. Exits 1 above --max-mismatch-ratio.")
final class ConsistencyCommand implements Callable<Integer> {

  @Option(names = "--view", defaultValue = "card_activity")
  String view;

  @Option(names = "--bootstrap", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}", description = "Kafka (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--sample", defaultValue = "500", description = "Entities to compare (default: ${DEFAULT-VALUE}).")
  int sample;

  @Option(names = "--served", description = "Compare the vectors served with each prediction in gold.predictions.")
  boolean served;

  @Option(names = "--max-mismatch-ratio", defaultValue = "0",
      description = "Share of compared vectors that may differ before the command fails (default: ${DEFAULT-VALUE}).")
  double maxMismatchRatio;

  @Option(names = "--warehouse", defaultValue = "${env:FACTORY_WAREHOUSE:-.factory/warehouse}")
  String warehouse;

  @Parameters(arity = "0..*", description = "More options as --key value pairs (iceberg.catalog.*).")
  List<String> options = List.of();

  @Override
  public Integer call() throws Exception {
    List<String> args = new ArrayList<>(List.of("--iceberg.catalog.warehouse", warehouse, "--kafka.bootstrap.servers", bootstrap));
    args.addAll(options);
    JobConfig config = JobConfig.load("features-defaults.properties", args.toArray(String[]::new));
    FeatureView v = FeatureViews.load(view);
    var catalog = IcebergCatalogs.loader(config).loadCatalog();
    if (served) {
      var vectors = PredictionTable.served(catalog.loadTable(PredictionTable.PREDICTIONS), v);
      var events = SilverEvents.read(v, catalog.loadTable(TableIdentifier.of("silver", v.source())),
          vectors.stream().map(ServedConsistency.Served::entity).collect(Collectors.toSet()));
      var result = ServedConsistency.check(v, vectors, events);
      System.out.print(result.format());
      return result.compared() > 0 && result.ratio(result.mismatchedEvents()) <= maxMismatchRatio ? 0 : 1;
    }
    var served = OnlineOfflineConsistency.newestVectors(v, read(bootstrap, FeaturesJobMain.onlineTopic(config, v)));
    var silver = catalog.loadTable(TableIdentifier.of("silver", v.source()));
    var report = OnlineOfflineConsistency.check(v, served, silver, sample, 1);
    System.out.println(OnlineOfflineConsistency.format(report));
    long worst = report.mismatches().values().stream().mapToLong(Long::longValue).max().orElse(0);
    return report.compared() > 0 && worst / (double) report.compared() <= maxMismatchRatio ? 0 : 1;
  }

  private static List<Map.Entry<byte[], byte[]>> read(String bootstrap, String topic) {
    return LocalKafka.readTopic(bootstrap, topic).stream()
        .<Map.Entry<byte[], byte[]>>map(r -> new AbstractMap.SimpleEntry<>(r.key(), r.value())).toList();
  }

}
