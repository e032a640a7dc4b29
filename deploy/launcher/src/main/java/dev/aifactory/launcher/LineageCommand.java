package dev.aifactory.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.common.lineage.LineageTransports;
import dev.aifactory.launcher.lineage.LineageEvents;
import dev.aifactory.launcher.lineage.LineageGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code factory lineage feature|model|prediction|owners <subject>}: which models read a
 * feature, what fed a model or a prediction (tables and snapshot ids, source Kafka coordinates),
 * and whom to call when a source changes. Prints JSON.
 */
@Command(name = "lineage", mixinStandardHelpOptions = true,
    description = "Lineage: 'feature <name>' (models reading it), 'model <name:version>' (its training inputs and snapshots), "
        + "'prediction <event id>' (model and source record), 'owners <domain>' (owners of everything downstream).")
final class LineageCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Parameters(index = "0", description = "feature, model, prediction or owners")
  String question;

  @Parameters(index = "1", description = "The feature, model (name:version), event id or source domain.")
  String subject;

  @Option(names = "--warehouse", defaultValue = "${env:FACTORY_WAREHOUSE:-.factory/warehouse}", description = "The warehouse (default: ${DEFAULT-VALUE}).")
  String warehouse;

  @Option(names = "--events", defaultValue = "${env:FACTORY_LINEAGE_EVENTS:-" + LineageTransports.DEFAULT_FILE + "}",
      description = "The jobs' OpenLineage events, one per line (default: ${DEFAULT-VALUE}, the jobs' default file transport).")
  Path events;

  @Parameters(index = "2..*", arity = "0..*", description = "More options as --key value pairs (iceberg.catalog.*).")
  List<String> options = List.of();

  @Override
  public Integer call() throws Exception {
    var config = WarehouseConfig.load("ingest-defaults.properties", warehouse, options);
    LineageGraph graph = new LineageGraph(IcebergCatalogs.loader(config).loadCatalog(),
        TablesCommand.VIEWS.stream().map(FeatureViews::load).toList(), LineageEvents.read(events));
    Object answer = switch (question) {
      case "feature" -> graph.modelsReading(subject);
      case "model" -> {
        int colon = subject.lastIndexOf(':');
        if (colon < 0) {
          throw new IllegalArgumentException("name a model as name:version, e.g. fraud:3");
        }
        yield graph.model(subject.substring(0, colon), Integer.parseInt(subject.substring(colon + 1)))
            .orElseThrow(() -> new IllegalArgumentException(subject + " is not in the registry"));
      }
      case "prediction" -> graph.prediction(subject).orElseThrow(() -> new IllegalArgumentException("no prediction for event " + subject));
      case "owners" -> graph.ownersDownstreamOf(subject);
      default -> throw new IllegalArgumentException("unknown question '" + question + "'; known: feature, model, prediction, owners");
    };
    System.out.println(JSON.writeValueAsString(answer));
    return 0;
  }
}
