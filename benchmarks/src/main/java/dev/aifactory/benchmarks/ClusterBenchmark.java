package dev.aifactory.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.launcher.cluster.FlinkRestClient;
import dev.aifactory.launcher.cluster.JobJars;
import dev.aifactory.launcher.cluster.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The ingest job on the local session cluster (deploy/local: separate JobManager, TaskManager and
 * broker processes), submitted as its shaded jar:
 * <ol>
 *   <li>throughput at parallelism 1 and 2 over the same preloaded topic (4 partitions): the rate
 *       at which the job's Kafka source consumes the backlog, which backpressure holds to what
 *       the whole pipeline (decode, rules, dedup state, Iceberg and Kafka writers) sustains;</li>
 *   <li>recovery: a producer at a fixed rate, a TaskManager running the job's source killed
 *       (SIGKILL) and a new one started; the time until all tasks run again and until the job
 *       has caught up (its consumer lag back to the steady state's).</li>
 * </ol>
 * <pre>mvn -B -DskipTests -Pbench -pl benchmarks -am package -Dbench.main=dev.aifactory.benchmarks.ClusterBenchmark</pre>
 */
public final class ClusterBenchmark {

  private static final String TX = "raw.transactions";
  private static final String LABELS = "raw.labels";
  private static final int ROUNDS = 3;

  private ClusterBenchmark() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    Path repository = Path.of("..").toAbsolutePath().normalize();
    Path dir = repository.resolve("benchmarks/target/cluster-bench");
    org.apache.commons.io.FileUtils.deleteDirectory(dir.toFile());
    Map<String, Object> json = new LinkedHashMap<>();
    try (LocalStack stack = new LocalStack(repository, dir, 2, 2, "5 s").withoutStackTopics()) {
      stack.startWithoutGateway();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(TX, 4, (short) 1), new NewTopic(LABELS, 4, (short) 1))).all().get();
      }
      send(stack.bootstrapServers(), events, 0, null);
      FlinkRestClient flink = stack.flink();
      JobJars.JobJar jar = JobJars.of("ingest", repository, null);
      String jarId = flink.uploadJar(jar.jar());

      // Rounds alternate p=1 and p=2 so that neither gains from running later (warm page cache, JIT).
      Map<String, List<Double>> rounds = new LinkedHashMap<>();
      for (int round = 1; round <= ROUNDS; round++) {
        for (int p : List.of(1, 2)) {
          String job = flink.run(jarId, jar.entryClass(), p, options(stack, "p" + p + "-" + round, "earliest"), null, false);
          double consumed = consumeRate(flink, job, events);
          rounds.computeIfAbsent("parallelism_" + p, k -> new ArrayList<>()).add(round(consumed));
          flink.cancel(job);
          flink.awaitState(job, Duration.ofMinutes(2), "CANCELED");
          System.out.printf("round %d, parallelism %d: %.0f records/s%n", round, p, consumed);
        }
      }
      Map<String, Double> throughput = new LinkedHashMap<>();
      rounds.forEach((k, v) -> throughput.put(k, median(v)));
      json.put("throughput_rounds", rounds);
      json.put("benchmark", "cluster");
      json.put("throughput_records_per_second", throughput);
      json.put("ratio_p2_vs_p1", round(throughput.get("parallelism_2") / throughput.get("parallelism_1")));
      json.put("recovery", recovery(stack, flink, jarId, jar.entryClass(), rate));
      json.put("parameters", Map.of("events", events, "input_rate_during_recovery", rate,
          "cluster", "1 JobManager + 2 TaskManagers x 2 slots (2048 MB each), RocksDB incremental checkpoints every 5 s",
          "job", "ingest, exactly-once Kafka outputs, Iceberg bronze/silver/quarantine/dq",
          "throughput", "records consumed by the Kafka source per second while the job drains a preloaded backlog"
              + " (4 partitions); backpressure ties it to the slowest stage",
          "recovery", "kill -9 of a TaskManager running a source subtask, a new TaskManager started at once;"
              + " restart = until every task runs again; caught_up = until the group's lag (end offsets minus offsets"
              + " committed with checkpoints) is back under its maximum in the 15 s before the kill"));
    }
    Path results = repository.resolve("benchmarks/results");
    @SuppressWarnings("unchecked")
    Map<String, Double> bars = new LinkedHashMap<>((Map<String, Double>) json.get("throughput_records_per_second"));
    BenchmarkReport.save(results, "cluster", json, "ingest on the local cluster (records/s, higher is better)", bars);
    System.out.println(json);
    System.exit(0);
  }

  private static List<String> options(LocalStack stack, String run, String startingOffsets) {
    return List.of("--kafka.bootstrap.servers", stack.bootstrapServers(),
        "--iceberg.catalog.warehouse", stack.warehouse().resolveSibling("warehouse-" + run).toString(),
        "--governance.tokens.keyring", stack.tokenKeyring().toString(),
        "--ingest.group-id", "bench-" + run,
        "--ingest.starting-offsets", startingOffsets,
        "--ingest.silver.topic-prefix", "silver-" + run + ".",
        "--ingest.quarantine.topic", "quarantine-" + run,
        "--ingest.kafka.delivery-guarantee", "EXACTLY_ONCE",
        "--kafka.producer.transaction.timeout.ms", "600000",
        "--flink.execution.checkpointing.interval", "5s");
  }

  /** Records per second the source consumes, from its first record until {@code total}. */
  private static double consumeRate(FlinkRestClient flink, String job, long total) throws InterruptedException {
    long start = 0;
    while (true) {
      Thread.sleep(250);
      long consumed = sourceMetric(flink, job, "numRecordsOut");
      if (consumed > 0 && start == 0) {
        start = System.nanoTime();
      }
      if (consumed >= total) {
        return total / ((System.nanoTime() - start) / 1e9);
      }
    }
  }

  private static Map<String, Object> recovery(LocalStack stack, FlinkRestClient flink, String jarId, String entryClass, int rate)
      throws Exception {
    String job = flink.run(jarId, entryClass, 2, options(stack, "recovery", "latest"), null, false);
    while (!flink.allTasksRunning(job)) {
      Thread.sleep(250);
    }
    AtomicBoolean producing = new AtomicBoolean(true);
    Thread producer = new Thread(() -> send(stack.bootstrapServers(), Integer.MAX_VALUE, rate, producing));
    producer.start();
    Thread.sleep(30_000); // steady state, several checkpoints

    // Consumer lag of the job's group (end offsets minus the offsets it commits with each
    // checkpoint): in steady state it swings up to a checkpoint interval of input; the job has
    // caught up when it is back under the steady state's maximum.
    long steadyMaxLag = 0;
    for (int i = 0; i < 30; i++) {
      steadyMaxLag = Math.max(steadyMaxLag, lag(stack.bootstrapServers(), "bench-recovery"));
      Thread.sleep(500);
    }
    List<double[]> timeline = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean sampling = new AtomicBoolean(true);
    Set<String> sources = sourceTaskManagers(flink, job);
    int victim = stack.taskManagerNumber(sources.iterator().next());
    long killedAt = System.nanoTime();
    Thread sampler = new Thread(() -> {
      while (sampling.get()) {
        double t = (System.nanoTime() - killedAt) / 1e9;
        boolean running = false;
        try {
          running = flink.allTasksRunning(job);
        } catch (RuntimeException e) {
          // the JobManager is busy restarting the job: not running
        }
        timeline.add(new double[] {round(t), running ? 1 : 0, lag(stack.bootstrapServers(), "bench-recovery")});
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.start();
    stack.killTaskManager(victim);
    stack.startTaskManager();
    double restart = Double.NaN;
    double caughtUp = Double.NaN;
    long peakLag = 0;
    while (System.nanoTime() - killedAt < 240e9 && Double.isNaN(caughtUp)) {
      Thread.sleep(500);
      boolean sawFailure = false;
      restart = Double.NaN;
      synchronized (timeline) {
        for (double[] sample : timeline) {
          sawFailure |= sample[1] == 0;
          peakLag = Math.max(peakLag, (long) sample[2]);
          if (sawFailure && sample[1] == 1 && Double.isNaN(restart)) {
            restart = sample[0];
          }
          if (!Double.isNaN(restart) && sample[0] > restart && sample[2] <= steadyMaxLag) {
            caughtUp = sample[0];
            break;
          }
        }
      }
    }
    sampling.set(false);
    sampler.join();
    producing.set(false);
    producer.join();
    flink.cancel(job);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("seconds_until_all_tasks_running", round(restart));
    out.put("seconds_until_caught_up", round(caughtUp));
    out.put("restores", flink.checkpoints(job).path("counts").path("restored").asLong());
    out.put("input_records_per_second", rate);
    out.put("steady_state_max_lag_records", steadyMaxLag);
    out.put("peak_lag_records", peakLag);
    // how much faster than its input the job drains the backlog the outage left
    out.put("catch_up_rate_vs_input_rate", round((peakLag + rate * (caughtUp - restart)) / (rate * (caughtUp - restart))));
    out.put("timeline", timeline.stream().map(x -> Map.of("t", x[0], "all_tasks_running", x[1] == 1, "lag_records", x[2])).toList());
    System.out.printf("recovery: tasks running after %.1f s, caught up after %.1f s%n", restart, caughtUp);
    return out;
  }

  private static Set<String> sourceTaskManagers(FlinkRestClient flink, String job) {
    Set<String> ids = new HashSet<>();
    JsonNode source = flink.get("/jobs/" + job).path("vertices").get(0);
    for (JsonNode subtask : flink.get("/jobs/" + job + "/vertices/" + source.path("id").asText()).path("subtasks")) {
      ids.add(subtask.path("taskmanager-id").asText());
    }
    return ids;
  }

  /** Records in the raw topics not yet committed by the consumer group. */
  private static long lag(String bootstrap, String group) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new LinkedHashMap<>();
      for (String topic : List.of(TX, LABELS)) {
        for (int p = 0; p < 4; p++) {
          latest.put(new org.apache.kafka.common.TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
      }
      var ends = admin.listOffsets(latest).all().get();
      var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      long lag = 0;
      for (var e : ends.entrySet()) {
        var c = committed.get(e.getKey());
        lag += e.getValue().offset() - (c == null ? 0 : c.offset());
      }
      return lag;
    } catch (Exception e) {
      return -1;
    }
  }

  /** The sum over subtasks of the Kafka source operator's metric (numRecordsOut). */
  private static long sourceMetric(FlinkRestClient flink, String job, String metric) {
    String source = flink.get("/jobs/" + job).path("vertices").get(0).path("id").asText();
    String suffix = "quality_rules." + metric; // the operator "kafka + decode + quality rules"
    return flink.vertexMetrics(job, source, List.of(suffix), "sum").getOrDefault(suffix, 0.0).longValue();
  }

  private static void send(String bootstrap, int count, int perSecond, AtomicBoolean keepGoing) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("linger.ms", "10");
    p.put("compression.type", "lz4");
    PaymentsGenerator generator = new PaymentsGenerator(GeneratorSettings.defaults().withSeed(11), TX, LABELS);
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (long i = 0; i < count && (keepGoing == null || keepGoing.get()); i++) {
        GeneratedMessage m = generator.next();
        producer.send(new ProducerRecord<>(m.topic(), null, m.timestamp(), m.key(), m.value()));
        if (perSecond > 0) {
          long wait = start + i * 1_000_000_000L / perSecond - System.nanoTime();
          if (wait > 1_000_000) {
            Thread.sleep(wait / 1_000_000);
          }
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
