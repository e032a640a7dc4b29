package dev.aifactory.launcher;

import dev.aifactory.launcher.cluster.FlinkRestClient;
import dev.aifactory.launcher.cluster.JobJars;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Submits a job's shaded jar to a session cluster through its REST API. */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = "Submit a job (ingest, features, scoring, cost) to a Flink session cluster; prints the job id.")
final class SubmitCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "The job: ingest, features, scoring or cost.")
  String job;

  @Parameters(index = "1..*", arity = "0..*", description = "Job options, --key value (see the job's defaults).")
  List<String> options = List.of();

  @Option(names = "--rest", defaultValue = "${env:FLINK_REST_URL:-http://localhost:8081}",
      description = "The cluster's REST address (default: ${DEFAULT-VALUE}).")
  String rest;

  @Option(names = {"-p", "--parallelism"}, defaultValue = "0", description = "Job parallelism (0: the cluster's default).")
  int parallelism;

  @Option(names = {"-s", "--from-savepoint"}, description = "Restore from this savepoint or retained checkpoint.")
  String savepoint;

  @Option(names = "--allow-non-restored-state", description = "Skip savepoint state that no operator of the job claims.")
  boolean allowNonRestored;

  @Option(names = "--jar", description = "The job jar (default: jobs/<job>/target/*-job.jar).")
  Path jar;

  @Override
  public Integer call() {
    JobJars.JobJar target = JobJars.of(job, Path.of(""), jar);
    FlinkRestClient cluster = new FlinkRestClient(rest);
    // A job that cannot get its slots waits in CREATED and looks hung (and so do SQL queries
    // behind it): say so before submitting.
    FlinkRestClient.Slots slots = cluster.slots();
    int needed = parallelism > 0 ? parallelism : slots.defaultParallelism();
    if (needed > slots.available()) {
      System.err.printf("not submitted: %s needs %d slot(s) and the cluster at %s has %d free of %d. Stop a job"
          + " (./factory stop ...), add a TaskManager (deploy/local/flink.sh start-taskmanager), or lower -p.%n",
          job, needed, rest, slots.available(), slots.total());
      return 2;
    }
    String jarId = cluster.uploadOnce(target.jar());
    List<String> jobOptions = JobOptions.withLineageFile(JobOptions.withEnvironment(options, System.getenv()), System.getenv());
    jobOptions = job.equals("ingest") ? LocalKeyring.withKeyring(jobOptions) : jobOptions;
    String jobId = cluster.run(jarId, target.entryClass(), parallelism, jobOptions, savepoint, allowNonRestored);
    System.out.println(jobId);
    System.err.printf("submitted %s as job %s to %s%s%n", job, jobId, rest,
        savepoint == null ? "" : " from " + savepoint);
    return 0;
  }
}
