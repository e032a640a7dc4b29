package dev.aifactory.benchmarks.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The fault matrix's failures, each as a user of the local stack would meet it. */
final class Faults {

  private Faults() {}

  /** All of them, in the order the benchmark runs them. */
  static List<Fault> all(CheckpointVolume volume) {
    return List.of(new KafkaBrokerKilled(), new WarehouseUnavailable(Duration.ofSeconds(30)),
        new TaskManagerKilledDuringCheckpoint(), new JobManagerKilled(), new SchemaRegistryDown(Duration.ofSeconds(60)),
        new CheckpointDiskFull(volume, Duration.ofSeconds(30)));
  }

  /** SIGKILL to the broker, restarted on its data 10 s later. */
  static final class KafkaBrokerKilled implements Fault {
    @Override
    public String name() {
      return "kafka_broker_killed";
    }

    @Override
    public String label() {
      return "broker killed";
    }

    @Override
    public String description() {
      return "SIGKILL to the only Kafka broker, restarted on its data 10 s later";
    }

    @Override
    public void inject(Drill drill) throws Exception {
      drill.stack.killKafka();
      Thread.sleep(10_000);
      drill.stack.startKafka();
    }
  }

  /** The Hadoop catalog's warehouse folder gone (a file in its place) for a while. */
  static final class WarehouseUnavailable implements Fault {
    private final Duration outage;

    WarehouseUnavailable(Duration outage) {
      this.outage = outage;
    }

    @Override
    public String name() {
      return "iceberg_warehouse_unavailable_" + outage.toSeconds() + "s";
    }

    @Override
    public String label() {
      return "warehouse gone";
    }

    @Override
    public String description() {
      return "the Iceberg warehouse moved away, with a file in its place so that nothing can recreate it, for "
          + outage.toSeconds() + " s (a REST catalog or object store down)";
    }

    @Override
    public void inject(Drill drill) throws Exception {
      Path away = drill.warehouse.resolveSibling(drill.warehouse.getFileName() + "-away");
      Files.move(drill.warehouse, away);
      Files.writeString(drill.warehouse, "the warehouse is unavailable");
      Thread.sleep(outage.toMillis());
      Files.delete(drill.warehouse);
      Files.move(away, drill.warehouse);
    }
  }

  /**
   * SIGKILL to the TaskManager running a source subtask while a checkpoint is in flight (its
   * barriers sent, not yet acknowledged by every task), and a new TaskManager started.
   */
  static final class TaskManagerKilledDuringCheckpoint implements Fault {
    @Override
    public String name() {
      return "taskmanager_killed_during_checkpoint";
    }

    @Override
    public String label() {
      return "TM mid-checkpoint";
    }

    @Override
    public String description() {
      return "SIGKILL to a TaskManager running a source subtask while a checkpoint is in progress; a new one started";
    }

    @Override
    public void inject(Drill drill) throws Exception {
      int victim = drill.sourceTaskManager();
      // The REST API's checkpoint statistics are cached for seconds, longer than a checkpoint of
      // this job takes (0.5-1 s here); the JobManager's log says at once that one was triggered.
      long checkpoint = awaitTriggeredCheckpoint(drill, Duration.ofMinutes(1));
      drill.markFaultStart();
      drill.stack.killTaskManager(victim);
      drill.stack.startTaskManager();
      drill.note("checkpoint_in_flight_at_kill", checkpoint);
      drill.note("that_checkpoint_completed", jobManagerLog(drill).contains("Completed checkpoint " + checkpoint + " for job " + drill.jobId()));
    }

    private static long awaitTriggeredCheckpoint(Drill drill, Duration timeout) throws Exception {
      Pattern triggered = Pattern.compile("Triggering checkpoint (\\d+) .* for job " + drill.jobId());
      int seen = jobManagerLog(drill).length();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        String log = jobManagerLog(drill);
        Matcher m = triggered.matcher(log.substring(Math.min(seen, log.length())));
        if (m.find()) {
          return Long.parseLong(m.group(1));
        }
        Thread.sleep(10);
      }
      throw new IllegalStateException("no checkpoint was triggered within " + timeout);
    }

    private static String jobManagerLog(Drill drill) throws IOException {
      return Files.readString(drill.stack.log("jobmanager"));
    }
  }

  /**
   * SIGKILL to the JobManager. The local cluster runs without high availability, so the job is
   * lost with it: the JobManager is started again and the job resubmitted, as a new job with a
   * new id, from its latest retained checkpoint (what {@code factory submit --from-savepoint}
   * does with a checkpoint path).
   */
  static final class JobManagerKilled implements Fault {
    @Override
    public String name() {
      return "jobmanager_killed";
    }

    @Override
    public String label() {
      return "JM killed";
    }

    @Override
    public String description() {
      return "SIGKILL to the JobManager (no HA), restarted, the job resubmitted from its latest retained checkpoint";
    }

    @Override
    public void inject(Drill drill) throws Exception {
      String lost = drill.jobId();
      drill.stack.killJobManager();
      Thread.sleep(5_000);
      drill.stack.startJobManager();
      awaitSlots(drill, 2);
      Path checkpoint = drill.latestRetainedCheckpoint(lost)
          .orElseThrow(() -> new IllegalStateException("job " + lost + " left no complete checkpoint"));
      drill.submit(checkpoint.toUri().toString());
      drill.note("resubmitted_from", checkpoint.getFileName().toString());
    }

    private static void awaitSlots(Drill drill, int slots) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (true) {
        try {
          if (drill.flink.slots().available() >= slots) {
            return;
          }
        } catch (RuntimeException e) {
          // not answering yet
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the TaskManagers did not register with the new JobManager within 2 minutes");
        }
        Thread.sleep(500);
      }
    }
  }

  /**
   * The schema registry down while producers start writing with a schema id ingest has not seen
   * (a writer upgraded just before the outage): ingest parks those records and retries them.
   */
  static final class SchemaRegistryDown implements Fault {
    private final Duration outage;

    SchemaRegistryDown(Duration outage) {
      this.outage = outage;
    }

    @Override
    public String name() {
      return "schema_registry_down_" + outage.toSeconds() + "s";
    }

    @Override
    public String label() {
      return "registry down";
    }

    @Override
    public String description() {
      return "the schema registry down for " + outage.toSeconds() + " s while producers write with a writer schema id"
          + " registered just before it went down, which ingest has not fetched yet";
    }

    @Override
    public void inject(Drill drill) throws Exception {
      int upgraded = drill.registry.registerWriterRelease(drill.name + "-upgraded");
      drill.registry.stop();
      drill.load().switchSchemaId(upgraded);
      Thread.sleep(outage.toMillis());
      drill.registry.restart();
    }
  }

  /** The volume under the checkpoint folder full: every checkpoint write fails for a while. */
  static final class CheckpointDiskFull implements Fault {
    private final CheckpointVolume volume;
    private final Duration outage;

    CheckpointDiskFull(CheckpointVolume volume, Duration outage) {
      this.volume = volume;
      this.outage = outage;
    }

    @Override
    public String name() {
      return "checkpoint_disk_full_" + outage.toSeconds() + "s";
    }

    @Override
    public String label() {
      return "disk full";
    }

    @Override
    public String description() {
      return "the volume holding the checkpoint folder (a tmpfs of its own) filled to the last byte for "
          + outage.toSeconds() + " s, then freed";
    }

    @Override
    public String unavailableReason(Drill drill) {
      return volume.unavailableReason();
    }

    @Override
    public void inject(Drill drill) throws Exception {
      Path filler = volume.path().resolve("filler-" + drill.name);
      try (OutputStream out = Files.newOutputStream(filler)) {
        for (int blockSize : new int[] {1 << 20, 4096, 1}) { // to the last byte
          fill(out, new byte[blockSize]);
        }
      }
      System.out.println("checkpoint volume full: " + Files.getFileStore(volume.path()).getUsableSpace() + " bytes free");
      Thread.sleep(outage.toMillis());
      Files.delete(filler);
    }

    private static void fill(OutputStream out, byte[] block) {
      try {
        while (true) {
          out.write(block);
        }
      } catch (IOException noSpaceLeft) {
        // full at this block size
      }
    }
  }
}
