package dev.aifactory.benchmarks.faults;

import dev.aifactory.benchmarks.BenchmarkReport;
import dev.aifactory.launcher.cluster.JobJars;
import dev.aifactory.launcher.cluster.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fault matrix: the ingest job on the local session cluster (deploy/local, its shipped
 * settings: 10 s checkpoints, 2 TaskManagers of 4 slots) under a steady load, one drill per
 * fault, each counted by event id and offset afterwards. Writes benchmarks/results/faults.json
 * ({@code faults}: fault, recovered, catch_up_seconds, lost, doubled, with details) and
 * faults.png, and exits 1 unless every drill ran, recovered, and lost and doubled nothing.
 * <pre>mvn -B -DskipTests -Pbench -pl benchmarks -am package -Dbench.main=dev.aifactory.benchmarks.faults.FaultMatrixBenchmark</pre>
 * Arguments: the load in events/s (500), and a comma-separated list of fault names to run only those.
 * The disk-full drill mounts a tmpfs under the checkpoint folder, which needs root.
 */
public final class FaultMatrixBenchmark {

  private FaultMatrixBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    FaultMatrix.Settings settings = new FaultMatrix.Settings(rate, Duration.ofSeconds(25), Duration.ofSeconds(30),
        Duration.ofMinutes(5));
    Path repository = Path.of("..").toAbsolutePath().normalize();
    Path dir = repository.resolve("benchmarks/target/fault-matrix");
    org.apache.commons.io.FileUtils.deleteDirectory(dir.toFile());
    List<FaultOutcome> outcomes;
    LocalStack stack = new LocalStack(repository, dir, 2, 4, "10 s");
    try (CheckpointVolume volume = CheckpointVolume.mount(stack.checkpoints(), 1024)) {
      try (stack) {
        stack.startWithoutGateway();
        FaultMatrix matrix = new FaultMatrix(stack, JobJars.of("ingest", repository, null), settings);
        List<Fault> faults = Faults.all(volume).stream()
            .filter(f -> args.length < 2 || List.of(args[1].split(",")).contains(f.name())).toList();
        outcomes = matrix.run(faults);
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "faults");
    json.put("faults", outcomes.stream().map(FaultOutcome::toJson).toList());
    json.put("parameters", Map.of("events_per_second", rate,
        "warm_up_seconds", settings.warmUp().toSeconds(), "load_after_fault_seconds", settings.loadAfter().toSeconds(),
        "cluster", "deploy/local as shipped: 1 JobManager (no HA) + 2 TaskManagers x 4 slots, RocksDB incremental"
            + " checkpoints every 10 s, exponential-delay restarts; Kafka broker (KRaft, one node); schema registry",
        "job", "ingest at parallelism 2 as shipped (exactly-once Iceberg bronze/silver/quarantine, at-least-once silver"
            + " topic), registry-framed live payments with 2 % producer redeliveries, one raw topic (2 partitions) per drill",
        "catch_up_seconds", "from the failed component's return until the silver table held every event the broker"
            + " acknowledged before it (steady_state_seconds_until_in_silver: the same, measured 10 s before the fault)",
        "lost", "acknowledged events missing from the silver table or topic, plus raw offsets in neither bronze nor"
            + " quarantine; doubled: events twice in the silver table plus raw offsets twice in bronze"));
    Map<String, Double> bars = new LinkedHashMap<>();
    outcomes.forEach(o -> bars.put(o.label(), Double.isNaN(o.catchUpSeconds()) ? 0 : o.catchUpSeconds()));
    BenchmarkReport.save(repository.resolve("benchmarks/results"), "faults", json,
        "ingest: seconds to catch up after each fault (lower is better)", bars);
    boolean held = outcomes.stream().allMatch(FaultOutcome::held);
    outcomes.forEach(o -> System.out.printf("%-45s recovered=%s catch_up=%.1f s lost=%d doubled=%d%n", o.fault(), o.recovered(),
        o.catchUpSeconds(), o.lost(), o.doubled()));
    System.out.println(held ? "every fault: recovered, nothing lost, nothing doubled" : "FAILED: a fault was not survived (see above)");
    System.exit(held ? 0 : 1);
  }
}
