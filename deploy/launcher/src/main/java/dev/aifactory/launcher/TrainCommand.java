package dev.aifactory.launcher;

import dev.aifactory.common.JobConfig;
import dev.aifactory.training.TrainingRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Trains a model from a point-in-time training set and registers it. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train the fraud model from gold.training_<name>: ONNX file, run record and model card, registered as CANDIDATE.")
final class TrainCommand implements Callable<Integer> {

  @Option(names = "--training-set", required = true, description = "The training set table, for example gold.training_demo.")
  String trainingSet;

  @Option(names = "--promote", defaultValue = "none",
      description = "none, champion or challenger; needs the validation AUC-ROC floor, then publishes on the control topic (default: ${DEFAULT-VALUE}).")
  String promote;

  @Option(names = "--warehouse", defaultValue = "${env:FACTORY_WAREHOUSE:-.factory/warehouse}",
      description = "Local Iceberg warehouse (default: ${DEFAULT-VALUE}); --iceberg.catalog.* options override.")
  String warehouse;

  @Parameters(arity = "0..*", description = "More options as --key value pairs (training.*, models.*, kafka.*).")
  List<String> options = List.of();

  @Override
  public Integer call() throws Exception {
    List<String> args = new ArrayList<>(List.of("--iceberg.catalog.warehouse", warehouse, "--training.set", trainingSet,
        "--training.promote", promote));
    args.addAll(options);
    TrainingRun.Result result = TrainingRun.run(JobConfig.load("training-defaults.properties", args.toArray(String[]::new)));
    System.out.println("registered " + result.model().label() + " (" + result.model().sha256() + ") in " + result.directory());
    System.out.println("validation " + result.record().metrics());
    result.changes().forEach(c -> System.out.println("  " + c.label() + " -> " + c.stage()));
    return 0;
  }
}
