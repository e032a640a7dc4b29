package dev.aifactory.launcher;

import dev.aifactory.launcher.cluster.FlinkRestClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Stops a running job on a session cluster, with a savepoint for upgrades or without. */
@Command(name = "stop", mixinStandardHelpOptions = true,
    description = "Stop a job on a Flink session cluster, by job id or by name (ingest stops the running factory-ingest* job).")
final class StopCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "A job id, or a job (ingest, features, scoring, cost).")
  String job;

  @Option(names = "--savepoint", arity = "0..1", fallbackValue = "", description =
      "Stop with a savepoint, into this folder (default: the cluster's execution.checkpointing.savepoint-dir); prints its path.")
  String savepoint;

  @Option(names = "--drain", description = "Advance event time to the end before the savepoint (a final stop, not an upgrade).")
  boolean drain;

  @Option(names = "--rest", defaultValue = "${env:FLINK_REST_URL:-http://localhost:8081}",
      description = "The cluster's REST address (default: ${DEFAULT-VALUE}).")
  String rest;

  @Override
  public Integer call() throws InterruptedException {
    FlinkRestClient cluster = new FlinkRestClient(rest);
    List<FlinkRestClient.Job> running = cluster.jobs().stream()
        .filter(j -> "RUNNING".equals(j.state()))
        .filter(j -> j.id().equals(job) || j.name().startsWith("factory-" + job))
        .toList();
    if (running.size() != 1) {
      System.err.println(running.isEmpty() ? "no running job matches '" + job + "'"
          : "'" + job + "' matches " + running.size() + " running jobs; give a job id: " + running);
      return 1;
    }
    FlinkRestClient.Job target = running.get(0);
    if (savepoint == null) {
      cluster.cancel(target.id());
      System.err.println("cancelled " + target.name() + " (" + target.id() + ")");
      return 0;
    }
    String location = cluster.stopWithSavepoint(target.id(), savepoint.isEmpty() ? null : savepoint, drain, Duration.ofMinutes(5));
    System.out.println(location);
    System.err.println("stopped " + target.name() + " (" + target.id() + ") with a savepoint");
    return 0;
  }
}
