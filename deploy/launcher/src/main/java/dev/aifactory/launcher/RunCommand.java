package dev.aifactory.launcher;

import dev.aifactory.cost.CostJobMain;
import dev.aifactory.features.FeaturesJobMain;
import dev.aifactory.ingest.IngestJobMain;
import dev.aifactory.savepoints.FeatureStateBootstrapMain;
import dev.aifactory.scoring.ScoringJobMain;
import dev.aifactory.scoring.batch.BatchScoringJob;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Runs a job in this JVM (a local Flink); on a cluster, submit the job's shaded jar instead. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run a job on a local Flink in this process. Job options are --key value pairs (see the job's defaults).")
final class RunCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "The job: ingest, features, bootstrap-features (a features savepoint from silver), "
      + "scoring (the stream), batch-scoring (an Iceberg table) or cost.")
  String job;

  @Parameters(index = "1..*", arity = "0..*", description = "Job options, for example --kafka.bootstrap.servers host:9092.")
  List<String> options = List.of();

  @Override
  public Integer call() throws Exception {
    List<String> withEnvironment = JobOptions.withEnvironment(options, System.getenv());
    String[] args = withEnvironment.toArray(String[]::new);
    switch (job) {
      case "ingest" -> IngestJobMain.main(LocalKeyring.withKeyring(withEnvironment).toArray(String[]::new));
      case "features" -> FeaturesJobMain.main(args);
      case "bootstrap-features" -> FeatureStateBootstrapMain.main(args);
      case "scoring" -> ScoringJobMain.main(args);
      case "batch-scoring" -> BatchScoringJob.main(args);
      case "cost" -> CostJobMain.main(args);
      default -> {
        System.err.println("unknown job '" + job + "'; known: ingest, features, bootstrap-features, scoring, batch-scoring, cost");
        return 2;
      }
    }
    return 0;
  }
}
