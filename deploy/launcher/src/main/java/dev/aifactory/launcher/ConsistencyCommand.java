package dev.aifactory.launcher;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.features.FeaturesJobMain;
import dev.aifactory.features.consistency.OnlineOfflineConsistency;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.localstack.LocalKafka;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Samples the online feature topic and recomputes the same features offline from silver. */
@Command(name = "consistency", mixinStandardHelpOptions = true,
    description = "Online/offline consistency: mismatch rate per feature between the online topic and silver.")
final class ConsistencyCommand implements Callable<Integer> {

  @Option(names = "--view", defaultValue = "card_activity")
  String view;

  @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--sample", defaultValue = "500", description = "Entities to compare (default: ${DEFAULT-VALUE}).")
  int sample;

  @Option(names = "--warehouse", defaultValue = ".factory/demo/warehouse")
  String warehouse;

  @Parameters(arity = "0..*", description = "More options as --key value pairs (iceberg.catalog.*).")
  List<String> options = List.of();

  @Override
  public Integer call() throws Exception {
    List<String> args = new ArrayList<>(List.of("--iceberg.catalog.warehouse", warehouse, "--kafka.bootstrap.servers", bootstrap));
    args.addAll(options);
    JobConfig config = JobConfig.load("features-defaults.properties", args.toArray(String[]::new));
    FeatureView v = FeatureViews.load(view);
    var served = OnlineOfflineConsistency.newestVectors(v, read(bootstrap, FeaturesJobMain.onlineTopic(config, v)));
    var silver = IcebergCatalogs.loader(config).loadCatalog().loadTable(TableIdentifier.of("silver", v.source()));
    var report = OnlineOfflineConsistency.check(v, served, silver, sample, 1);
    System.out.println(OnlineOfflineConsistency.format(report));
    return report.mismatches().values().stream().allMatch(n -> n == 0) ? 0 : 1;
  }

  private static List<Map.Entry<byte[], byte[]>> read(String bootstrap, String topic) {
    return LocalKafka.readTopic(bootstrap, topic).stream()
        .<Map.Entry<byte[], byte[]>>map(r -> new AbstractMap.SimpleEntry<>(r.key(), r.value())).toList();
  }

}
