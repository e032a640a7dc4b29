package dev.aifactory.launcher.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The deploy/local scripts driven from Java, on free ports and in a folder of their own: what the
 * session-cluster tests and the cluster benchmark start. Every call runs the same script a user
 * runs, so the tests prove the scripts too.
 */
public final class LocalStack implements AutoCloseable {

  private final Path repository;
  private final Path dir;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final int restPort;
  private final int gatewayPort;
  private final int kafkaPort;

  /**
   * @param repository the checkout (holding deploy/local)
   * @param dir where the stack keeps its data, logs, checkpoints and savepoints
   * @param taskManagers TaskManagers to start, each with {@code slots} slots
   * @param checkpointInterval Flink duration, for example "2 s"
   */
  public LocalStack(Path repository, Path dir, int taskManagers, int slots, String checkpointInterval) {
    this.repository = repository.toAbsolutePath();
    this.dir = dir.toAbsolutePath();
    this.restPort = freePort();
    this.gatewayPort = freePort();
    this.kafkaPort = freePort();
    int promBase = 20000 + (int) (ProcessHandle.current().pid() % 20000);
    env.put("KAFKA_PORT", String.valueOf(kafkaPort));
    env.put("KAFKA_CONTROLLER_PORT", String.valueOf(freePort()));
    env.put("KAFKA_DIR", this.dir.resolve("kafka").toString());
    env.put("FLINK_DIR", this.dir.resolve("flink").toString());
    env.put("FLINK_REST_PORT", String.valueOf(restPort));
    env.put("FLINK_RPC_PORT", String.valueOf(freePort()));
    env.put("FLINK_TASKMANAGERS", String.valueOf(taskManagers));
    env.put("FLINK_SLOTS", String.valueOf(slots));
    env.put("FLINK_CHECKPOINT_INTERVAL", checkpointInterval);
    env.put("FLINK_PROM_PORTS", promBase + "-" + (promBase + 19));
    env.put("SQL_GATEWAY_PORT", String.valueOf(gatewayPort));
    env.put("SQL_GATEWAY_ADMIN_PORT", String.valueOf(freePort()));
    env.put("FACTORY_WAREHOUSE", warehouse().toUri().toString());
  }

  /**
   * Leaves the stack's topics (deploy/local/topics.txt) uncreated, for a caller that creates its
   * own with other partition counts (benchmarks).
   */
  public LocalStack withoutStackTopics() {
    env.put("KAFKA_TOPICS_FILE", "");
    return this;
  }

  public void start() {
    script("start-stack.sh");
  }

  /** Flink and Kafka only. */
  public void startWithoutGateway() {
    script("kafka.sh", "start");
    startFlink();
  }

  public void startFlink() {
    script("flink.sh", "start");
  }

  /** The SQL Gateway in front of the running cluster; it applies deploy/sql as it starts. */
  public void startGateway() {
    script("sql-gateway.sh", "start");
  }

  /** The gateway alone: catalogs and views only from its catalog store and view folder. */
  public void restartGatewayWithoutApplying() {
    script("sql-gateway.sh", "stop");
    env.put("SQL_GATEWAY_APPLY", "false");
    try {
      script("sql-gateway.sh", "start");
    } finally {
      env.remove("SQL_GATEWAY_APPLY");
    }
  }

  public void stopGateway() {
    script("sql-gateway.sh", "stop");
  }

  /** The gateway's catalog store and view folder. */
  public Path gatewayState() {
    return dir.resolve("flink");
  }

  @Override
  public void close() {
    script("stop-stack.sh");
  }

  public String bootstrapServers() {
    return "localhost:" + kafkaPort;
  }

  public FlinkRestClient flink() {
    return new FlinkRestClient("http://localhost:" + restPort);
  }

  public String gatewayUrl() {
    return "http://localhost:" + gatewayPort;
  }

  /** The Iceberg warehouse the gateway's catalog reads; jobs are pointed at it. */
  public Path warehouse() {
    return dir.resolve("warehouse");
  }

  /** The stack's token keyring, which ingest tokenizes classified fields with (created on first use). */
  public Path tokenKeyring() {
    Path file = dir.resolve("keys").resolve("tokens.keyring").toAbsolutePath();
    dev.aifactory.schemas.tokens.Keyring.loadOrCreate(file);
    return file;
  }

  public Path savepoints() {
    return dir.resolve("flink").resolve("savepoints");
  }

  /** SIGKILL, as a crashed machine would: no deregistration, no cleanup. */
  public void killTaskManager(int number) {
    script("flink.sh", "kill-taskmanager", String.valueOf(number));
  }

  /**
   * SIGKILL to the JobManager. The local cluster has no high availability: its running jobs are
   * gone with it, and come back as new jobs from their latest retained checkpoint
   * ({@link #checkpoints()}) once {@link #startJobManager()} has brought it back.
   */
  public void killJobManager() {
    script("flink.sh", "kill-jobmanager");
  }

  public void startJobManager() {
    script("flink.sh", "start-jobmanager");
  }

  /** Where the cluster's jobs keep their checkpoints: one folder per job id, chk-N inside. */
  public Path checkpoints() {
    return dir.resolve("flink").resolve("checkpoints");
  }

  /** SIGKILL to the Kafka broker, as a crashed machine would; {@link #startKafka()} brings it back on its data. */
  public void killKafka() {
    try {
      long pid = Long.parseLong(Files.readString(dir.resolve("kafka").resolve("kafka.pid")).strip());
      ProcessHandle broker = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("kafka is not running"));
      broker.destroyForcibly();
      broker.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot kill the kafka broker", e);
    }
  }

  public void startKafka() {
    script("kafka.sh", "start");
  }

  /** Starts one more TaskManager and returns its number once it has registered. */
  public int startTaskManager() {
    List<String> out = script("flink.sh", "start-taskmanager");
    return Integer.parseInt(out.get(out.size() - 1).strip());
  }

  /** The number (taskmanager-N) of the running TaskManager with this resource id, from its log. */
  public int taskManagerNumber(String resourceId) {
    for (int n = 1; n < 100; n++) {
      Path log = log("taskmanager-" + n);
      try {
        if (Files.exists(log) && Files.readString(log).contains("Starting TaskManager with ResourceID: " + resourceId)) {
          return n;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalArgumentException("no TaskManager log names resource id " + resourceId);
  }

  /** Applies deploy/sql through `factory sql --apply`, as sql-gateway.sh does at start. */
  public void applySqlViews() {
    script("sql-gateway.sh", "apply");
  }

  public Path log(String process) {
    return dir.resolve("flink").resolve("log").resolve(process + ".log");
  }

  private List<String> script(String name, String... args) {
    List<String> command = new ArrayList<>(List.of("bash", repository.resolve("deploy/local").resolve(name).toString()));
    command.addAll(List.of(args));
    try {
      Files.createDirectories(dir);
      Path output = Files.createTempFile(dir, name, ".out");
      ProcessBuilder builder = new ProcessBuilder(command).directory(repository.toFile())
          .redirectErrorStream(true).redirectOutput(output.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(name + " did not finish in 5 minutes");
      }
      List<String> lines = Files.readAllLines(output);
      Files.delete(output);
      lines.forEach(l -> System.out.println("[" + name + "] " + l));
      if (process.exitValue() != 0) {
        throw new IllegalStateException(name + " " + String.join(" ", args) + " failed (" + process.exitValue() + "): "
            + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
