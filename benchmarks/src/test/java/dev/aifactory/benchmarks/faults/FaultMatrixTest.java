package dev.aifactory.benchmarks.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.launcher.cluster.JobJars;
import dev.aifactory.launcher.cluster.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two drills of the fault matrix (FaultMatrixBenchmark runs all six) at a size CI affords, on the
 * local cluster with its shipped settings (10 s checkpoints, no HA): a TaskManager killed while a
 * checkpoint is in flight, and the JobManager killed, the job resubmitted from its latest retained
 * checkpoint as a new job. Under steady load, every acknowledged event must end in silver once.
 */
class FaultMatrixTest {

  @Test
  void ingestLosesAndDoublesNothingWhenATaskManagerDiesMidCheckpointOrTheJobManagerDies() throws Exception {
    Path repository = Path.of("..").toAbsolutePath().normalize();
    Path dir = repository.resolve("benchmarks/target/fault-matrix-test");
    org.apache.commons.io.FileUtils.deleteDirectory(dir.toFile());
    // 25 s of warm-up: at least two of the shipped 10 s checkpoints before each fault.
    FaultMatrix.Settings settings = new FaultMatrix.Settings(100, Duration.ofSeconds(25), Duration.ofSeconds(15),
        Duration.ofMinutes(4));
    List<FaultOutcome> outcomes;
    try (LocalStack stack = new LocalStack(repository, dir, 2, 4, "10 s")) {
      stack.startWithoutGateway();
      outcomes = new FaultMatrix(stack, JobJars.of("ingest", repository, null), settings)
          .run(List.of(new Faults.TaskManagerKilledDuringCheckpoint(), new Faults.JobManagerKilled()));
    }
    assertThat(outcomes).hasSize(2).allSatisfy(outcome -> {
      assertThat(outcome.details().get("error")).as(outcome.fault() + ": the fault was injected").isNull();
      assertThat(outcome.recovered()).as(outcome.fault() + ": recovered " + outcome.details()).isTrue();
      assertThat(outcome.lost()).as(outcome.fault() + ": lost " + outcome.details()).isZero();
      assertThat(outcome.doubled()).as(outcome.fault() + ": doubled " + outcome.details()).isZero();
      assertThat(((Number) outcome.details().get("events_acknowledged")).longValue()).as(outcome.fault() + ": load").isGreaterThan(3_000);
    });
  }
}
