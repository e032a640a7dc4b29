package dev.aifactory.benchmarks;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.features.FeaturesJobMain;
import dev.aifactory.features.FeaturesTopology;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.sink.FeatureSinks;
import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.schemas.wire.PayloadDecoder;
import dev.aifactory.schemas.wire.SingleObjectFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Feature materialization, three ways, over the same silver events in one run:
 *
 * <ol>
 *   <li>{@code features_job}: the features job's topology (sliced windows in keyed state);
 *   <li>{@code sql_over}: the same features in Flink SQL with {@code OVER (... RANGE ...
 *       PRECEDING)} windows, one query per window size, which update per event;
 *   <li>{@code sql_hop}: the same with {@code HOP} window table-valued functions (1 min slide),
 *       one query per window size, a statement set.
 * </ol>
 *
 * Each reads the events from Kafka to the end (bounded source, streaming mode, RocksDB with full
 * checkpoints every 2 s) and writes to a discarding sink, so the sink costs nothing for any of
 * them. Throughput is events / (submission to the job's end, every window emitted), median of
 * the counted rounds; state is the largest completed checkpoint seen during the run. Warm-up
 * rounds (JIT, class loading: the first job in a JVM is several times slower) run every variant
 * but {@code sql_hop}, which takes minutes and runs last.
 */
public final class FeaturesBenchmark {

  static final String TOPIC_SINGLE_OBJECT = "bench.silver.transactions";
  static final String TOPIC_PLAIN = "bench.silver.transactions.plain";
  static final List<String> VARIANTS = List.of("features_job", "sql_over", "sql_hop");

  /** Windows of 10 min, 1 h and 24 h on a 1 min slide: what a fraud model would ask for. */
  static final String VIEW = """
      name: bench_card
      version: 1
      entity: card_id
      source: transactions
      contract: dev.aifactory.payments.Transaction
      slide: 1min
      ttl: 24h
      allowed_lateness: 1min
      features:
        - {name: tx_count_10m,  aggregation: count,           window: 10min}
        - {name: tx_count_1h,   aggregation: count,           window: 1h}
        - {name: amount_sum_1h, aggregation: sum,             field: amount, window: 1h}
        - {name: amount_avg_24h, aggregation: avg,            field: amount, window: 24h}
        - {name: amount_max_24h, aggregation: max,            field: amount, window: 24h}
        - {name: amount_min_24h, aggregation: min,            field: amount, window: 24h}
        - {name: merchants_24h, aggregation: approx_distinct, field: merchant_id, window: 24h}
      """;

  public static void main(String[] args) throws Exception {
    JobConfig cli = JobConfig.of(BenchmarkReport.args(args));
    int events = cli.getInt("events", 20_000);
    int cards = cli.getInt("cards", 200);
    int rounds = cli.getInt("rounds", 1);
    int warmups = cli.getInt("warmup-rounds", 1);
    int parallelism = cli.getInt("parallelism", 2);
    List<String> variants = List.of(cli.get("variants", String.join(",", VARIANTS)).split(","));
    Path results = Path.of(cli.get("results", "results"));
    int rate = cli.getInt("freshness-rate", 100);
    int freshnessSeconds = cli.getInt("freshness-seconds", 150);
    Path work = Files.createTempDirectory("features-bench");
    FeatureView view = FeatureViews.parse(VIEW);

    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(parallelism, TOPIC_SINGLE_OBJECT, TOPIC_PLAIN);
      long span = preload(kafka.bootstrapServers(), events, cards);
      System.out.printf("pre-loaded %,d events (%.1f h of event time) into %s and %s%n", events, span / 3.6e6,
          TOPIC_SINGLE_OBJECT, TOPIC_PLAIN);

      Map<String, List<Double>> seconds = new LinkedHashMap<>();
      Map<String, List<Double>> stateBytes = new LinkedHashMap<>();
      Map<String, List<Double>> cpuSeconds = new LinkedHashMap<>();
      for (int round = 1 - warmups; round <= rounds; round++) {
        for (String variant : variants) {
          if (round < 1 && variant.equals("sql_hop")) {
            continue; // minutes per run: it runs once, after the others have warmed up the JVM
          }
          Path checkpoints = work.resolve(variant + "-" + (round + warmups));
          long cpuBefore = BenchmarkReport.processCpuNanos();
          Run run = switch (variant) {
            case "features_job" -> runFeaturesJob(kafka.bootstrapServers(), view, parallelism, checkpoints);
            case "sql_hop" -> runSql(kafka.bootstrapServers(), parallelism, checkpoints, false);
            case "sql_over" -> runSql(kafka.bootstrapServers(), parallelism, checkpoints, true);
            default -> throw new IllegalArgumentException("unknown variant " + variant);
          };
          double cpu = (BenchmarkReport.processCpuNanos() - cpuBefore) / 1e9;
          if (round >= 1) {
            seconds.computeIfAbsent(variant, k -> new ArrayList<>()).add(run.seconds);
            stateBytes.computeIfAbsent(variant, k -> new ArrayList<>()).add((double) run.maxStateBytes);
            cpuSeconds.computeIfAbsent(variant, k -> new ArrayList<>()).add(Math.round(cpu * 10) / 10.0);
          }
          System.out.printf("%s %2d %-14s %6.1f s  %,9.0f events/s  state %,12d bytes  %5.1f s CPU%n",
              round >= 1 ? "round  " : "warm-up", round, variant, run.seconds, events / run.seconds, run.maxStateBytes, cpu);
        }
      }
      Map<String, Map<String, Double>> freshness = new LinkedHashMap<>();
      if (rate > 0) {
        freshness.put("features_job", freshnessOfJob(kafka, view, parallelism, work.resolve("fresh-job"), rate,
            freshnessSeconds, cards));
        freshness.put("sql_hop", freshnessOfHop(kafka, parallelism, work.resolve("fresh-hop"), rate, freshnessSeconds, cards));
        freshness.forEach((variant, f) -> System.out.printf("freshness %-14s p50 %,.0f ms  p99 %,.0f ms  (%,.0f samples)%n",
            variant, f.get("p50_ms"), f.get("p99_ms"), f.get("samples")));
      }
      if (seconds.keySet().containsAll(VARIANTS)) {
        report(results, events, cards, span, parallelism, rounds, warmups, seconds, stateBytes, cpuSeconds, freshness,
            rate, freshnessSeconds);
      }
    }
  }

  /** Silver events (v3 contract, no duplicates or bad records) into both topics; returns their event-time span. */
  static long preload(String bootstrap, int events, int cards) {
    GeneratorSettings d = GeneratorSettings.defaults();
    GeneratorSettings settings = new GeneratorSettings(d.seed(), d.startMillis(), d.meanGapMillis(), cards, d.merchants(),
        d.fraudRate(), 0, 0, 0, 0, 0, 0);
    PaymentsGenerator generator = new PaymentsGenerator(settings, "transactions", null);
    SchemaCatalog catalog = SchemaCatalog.bundled();
    PayloadDecoder decoder = new PayloadDecoder(new SingleObjectFormat(catalog),
        catalog.contract("dev.aifactory.payments.Transaction").schema());
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("linger.ms", "20");
    p.put("batch.size", "262144");
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      int sent = 0;
      while (sent < events) {
        GeneratedMessage m = generator.next();
        if (m.kind() != GeneratedMessage.Kind.TRANSACTION) {
          continue;
        }
        GenericRecord tx = decoder.decodeAsContract(m.value()).record();
        long time = (Long) tx.get("event_time");
        first = Math.min(first, time);
        last = Math.max(last, time);
        byte[] key = tx.get("event_id").toString().getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(TOPIC_SINGLE_OBJECT, null, time, key, AvroWire.singleObject(tx)));
        producer.send(new ProducerRecord<>(TOPIC_PLAIN, null, time, key, AvroWire.body(tx)));
        sent++;
      }
      producer.flush();
    } catch (Exception e) {
      throw new IllegalStateException("preload failed", e);
    }
    return last - first;
  }

  record Run(double seconds, long maxStateBytes) {}

  static Run runFeaturesJob(String bootstrap, FeatureView view, int parallelism, Path checkpoints) throws Exception {
    StreamExecutionEnvironment env = environment(parallelism, checkpoints);
    JobConfig config = JobConfig.load("features-defaults.properties",
        "--kafka.bootstrap.servers", bootstrap,
        "--features.bounded", "true",
        "--features.source.topic", TOPIC_SINGLE_OBJECT,
        "--features.group-id", "bench-features-" + System.nanoTime());
    FeaturesTopology.build(FeaturesJobMain.silverTopic(env, config, view), view, new Discarding());
    long start = System.nanoTime();
    return untilDone(env.executeAsync("bench-features-job"), start, checkpoints);
  }

  static Run runSql(String bootstrap, int parallelism, Path checkpoints, boolean over) throws Exception {
    StreamTableEnvironment tables = StreamTableEnvironment.create(environment(parallelism, checkpoints));
    tables.getConfig().set("table.local-time-zone", "UTC");
    tables.executeSql(txTable(bootstrap, TOPIC_PLAIN, true));
    tables.executeSql("CREATE TEMPORARY TABLE out_10m (card_id STRING, t TIMESTAMP(3), tx_count BIGINT)"
        + " WITH ('connector'='blackhole')");
    tables.executeSql("CREATE TEMPORARY TABLE out_1h (card_id STRING, t TIMESTAMP(3), tx_count BIGINT, amount_sum DOUBLE)"
        + " WITH ('connector'='blackhole')");
    tables.executeSql("CREATE TEMPORARY TABLE out_24h (card_id STRING, t TIMESTAMP(3), amount_avg DOUBLE,"
        + " amount_max DOUBLE, amount_min DOUBLE, merchants BIGINT) WITH ('connector'='blackhole')");
    StatementSet set = tables.createStatementSet();
    if (over) {
      set.addInsertSql("INSERT INTO out_10m SELECT card_id, event_time, COUNT(*) OVER w FROM tx"
          + " WINDOW w AS (PARTITION BY card_id ORDER BY event_time RANGE BETWEEN INTERVAL '10' MINUTE PRECEDING AND CURRENT ROW)");
      set.addInsertSql("INSERT INTO out_1h SELECT card_id, event_time, COUNT(*) OVER w, SUM(amount) OVER w FROM tx"
          + " WINDOW w AS (PARTITION BY card_id ORDER BY event_time RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)");
      set.addInsertSql("INSERT INTO out_24h SELECT card_id, event_time, AVG(amount) OVER w, MAX(amount) OVER w,"
          + " MIN(amount) OVER w, COUNT(DISTINCT merchant_id) OVER w FROM tx"
          + " WINDOW w AS (PARTITION BY card_id ORDER BY event_time RANGE BETWEEN INTERVAL '24' HOUR PRECEDING AND CURRENT ROW)");
    } else {
      set.addInsertSql("INSERT INTO out_10m SELECT card_id, window_end, COUNT(*)"
          + " FROM TABLE(HOP(TABLE tx, DESCRIPTOR(event_time), INTERVAL '1' MINUTE, INTERVAL '10' MINUTE))"
          + " GROUP BY card_id, window_start, window_end");
      set.addInsertSql("INSERT INTO out_1h SELECT card_id, window_end, COUNT(*), SUM(amount)"
          + " FROM TABLE(HOP(TABLE tx, DESCRIPTOR(event_time), INTERVAL '1' MINUTE, INTERVAL '1' HOUR))"
          + " GROUP BY card_id, window_start, window_end");
      set.addInsertSql("INSERT INTO out_24h SELECT card_id, window_end, AVG(amount), MAX(amount), MIN(amount),"
          + " COUNT(DISTINCT merchant_id)"
          + " FROM TABLE(HOP(TABLE tx, DESCRIPTOR(event_time), INTERVAL '1' MINUTE, INTERVAL '24' HOUR))"
          + " GROUP BY card_id, window_start, window_end");
    }
    long start = System.nanoTime();
    return untilDone(set.execute().getJobClient().orElseThrow(), start, checkpoints);
  }

  /** The silver events as a Flink SQL table over a bare-Avro topic, with 30 s out-of-orderness like the job. */
  static String txTable(String bootstrap, String topic, boolean bounded) {
    return "CREATE TEMPORARY TABLE tx (\n"
        + "  event_id STRING NOT NULL, card_id STRING NOT NULL, merchant_id STRING, amount DOUBLE NOT NULL,\n"
        + "  currency STRING NOT NULL, event_time TIMESTAMP(3) NOT NULL, channel STRING, geo_country STRING,\n"
        + "  geo_lat DOUBLE, geo_lon DOUBLE, ip_address STRING, device_id STRING,\n"
        + "  WATERMARK FOR event_time AS event_time - INTERVAL '30' SECOND\n"
        + ") WITH ('connector'='kafka', 'topic'='" + topic + "', 'properties.bootstrap.servers'='" + bootstrap + "',\n"
        + "  'properties.group.id'='bench-sql-" + System.nanoTime() + "', 'scan.startup.mode'='earliest-offset',\n"
        + (bounded ? "  'scan.bounded.mode'='latest-offset',\n" : "")
        + "  'format'='avro')";
  }

  /** Waits for the bounded job to finish, sampling the size of its newest checkpoint meanwhile. */
  static Run untilDone(JobClient job, long start, Path checkpoints) throws Exception {
    AtomicLong maxState = new AtomicLong();
    CompletableFuture<?> result = job.getJobExecutionResult();
    while (!result.isDone()) {
      maxState.accumulateAndGet(newestCheckpointBytes(checkpoints), Math::max);
      Thread.sleep(200);
    }
    result.get(); // surfaces a failure
    return new Run((System.nanoTime() - start) / 1e9, maxState.get());
  }

  /** Bytes of the newest complete checkpoint folder (chk-N with its _metadata written). */
  static long newestCheckpointBytes(Path root) {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    try (Stream<Path> walk = Files.walk(root, 2)) {
      Path newest = walk.filter(p -> p.getFileName().toString().startsWith("chk-") && Files.exists(p.resolve("_metadata")))
          .max((a, b) -> Long.compare(number(a), number(b))).orElse(null);
      if (newest == null) {
        return 0;
      }
      try (Stream<Path> files = Files.walk(newest)) {
        return files.filter(Files::isRegularFile).mapToLong(FeaturesBenchmark::size).sum();
      }
    } catch (IOException | UncheckedIOException e) {
      return 0; // a checkpoint was subsumed while we looked: the next sample sees the new one
    }
  }

  private static long number(Path chk) {
    return Long.parseLong(chk.getFileName().toString().substring(4));
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private static StreamExecutionEnvironment environment(int parallelism, Path checkpoints) {
    return environment(parallelism, checkpoints, new Configuration());
  }

  private static StreamExecutionEnvironment environment(int parallelism, Path checkpoints, Configuration extra) {
    Configuration conf = new Configuration(extra);
    conf.setString("execution.checkpointing.interval", "2s");
    conf.setString("execution.checkpointing.dir", checkpoints.toUri().toString());
    conf.setString("execution.checkpointing.num-retained", "1");
    // Full checkpoints, so a checkpoint's size is the state's size.
    conf.setString("state.backend.type", "rocksdb");
    conf.setString("execution.checkpointing.incremental", "false");
    conf.setString("restart-strategy.type", "none");
    conf.setString("taskmanager.memory.managed.size", "512m");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    return env;
  }

  private static void report(Path dir, int events, int cards, long span, int parallelism, int rounds, int warmups,
      Map<String, List<Double>> seconds, Map<String, List<Double>> stateBytes, Map<String, List<Double>> cpuSeconds,
      Map<String, Map<String, Double>> freshness, int rate, int freshnessSeconds) throws IOException {
    Map<String, Double> eventsPerSecond = new LinkedHashMap<>();
    seconds.forEach((variant, runs) -> eventsPerSecond.put(variant, events / BenchmarkReport.median(runs)));
    Map<String, Double> state = new LinkedHashMap<>();
    stateBytes.forEach((variant, runs) -> state.put(variant, BenchmarkReport.median(runs)));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "features");
    json.put("measured_at", java.time.Instant.now().toString());
    json.put("events_per_second", eventsPerSecond);
    json.put("ratio_vs_hop", BenchmarkReport.round(eventsPerSecond.get("features_job") / eventsPerSecond.get("sql_hop")));
    json.put("ratio_vs_over", BenchmarkReport.round(eventsPerSecond.get("features_job") / eventsPerSecond.get("sql_over")));
    json.put("state_bytes", state);
    json.put("state_ratio_vs_hop", BenchmarkReport.round(state.get("features_job") / state.get("sql_hop")));
    json.put("state_ratio_vs_over", BenchmarkReport.round(state.get("features_job") / state.get("sql_over")));
    json.put("seconds_per_round", seconds);
    json.put("state_bytes_per_round", stateBytes);
    json.put("process_cpu_seconds_per_round", cpuSeconds);
    json.put("freshness", freshness);
    json.put("freshness_method", "live events (event time = now) at " + rate + " events/s for " + freshnessSeconds
        + " s, 30 s out-of-orderness: the job's freshnessMs histogram (event time of a slice's newest event to the"
        + " row emitted when the slice closes, all subtasks) vs, for HOP, emit time minus MAX(event_time) of each"
        + " 10-minute window at its sink");
    json.put("parameters", Map.of("events", events, "cards", cards, "event_time_span_hours", BenchmarkReport.round(span / 3.6e6),
        "parallelism", parallelism, "rounds", rounds, "warmup_rounds", warmups,
        "features", "count 10 min and 1 h, sum 1 h, avg/max/min/distinct merchants 24 h, slide 1 min (LAST_VALUE"
            + " left out: HOP window aggregation cannot merge it)",
        "statistic", "median of the counted rounds; bounded streaming job from submission to its end, every window emitted;"
            + " state = largest full RocksDB checkpoint during the run (checkpoints every 2 s)",
        "sinks", "discarding (the job) and blackhole (SQL)"));
    BenchmarkReport.save(dir, "features", json, "features throughput (events/s, higher is better)", eventsPerSecond);
  }

  /** The job on a live topic; freshness from its own histogram metric, read through a reporter. */
  static Map<String, Double> freshnessOfJob(LocalKafka kafka, FeatureView view, int parallelism, Path checkpoints, int rate,
      int seconds, int cards) throws Exception {
    String topic = "bench.live.job";
    kafka.createTopics(parallelism, topic);
    CapturedHistograms.HISTOGRAMS.clear();
    Configuration reporter = new Configuration();
    reporter.setString("metrics.reporter.capture.factory.class", CapturedHistograms.Factory.class.getName());
    StreamExecutionEnvironment env = environment(parallelism, checkpoints, reporter);
    JobConfig config = JobConfig.load("features-defaults.properties",
        "--kafka.bootstrap.servers", kafka.bootstrapServers(),
        "--features.source.topic", topic,
        "--features.group-id", "bench-fresh-" + System.nanoTime());
    FeaturesTopology.build(FeaturesJobMain.silverTopic(env, config, view), view, new Discarding());
    JobClient job = env.executeAsync("bench-features-freshness");
    produceLive(kafka.bootstrapServers(), topic, true, rate, seconds, cards);
    job.cancel().get();
    List<Long> values = new ArrayList<>();
    CapturedHistograms.HISTOGRAMS.forEach((name, h) -> {
      if (name.contains("freshnessMs")) {
        for (long v : h.getStatistics().getValues()) {
          values.add(v);
        }
      }
    });
    return quantiles(values);
  }

  /** The 10-minute HOP query on a live topic; freshness = emit time - newest event time of each window. */
  static Map<String, Double> freshnessOfHop(LocalKafka kafka, int parallelism, Path checkpoints, int rate, int seconds,
      int cards) throws Exception {
    String topic = "bench.live.sql";
    kafka.createTopics(parallelism, topic);
    StreamExecutionEnvironment env = environment(parallelism, checkpoints, new Configuration());
    StreamTableEnvironment tables = StreamTableEnvironment.create(env);
    tables.getConfig().set("table.local-time-zone", "UTC");
    tables.executeSql(txTable(kafka.bootstrapServers(), topic, false));
    var newest = tables.toDataStream(tables.sqlQuery("SELECT card_id, window_end, MAX(event_time) AS newest"
        + " FROM TABLE(HOP(TABLE tx, DESCRIPTOR(event_time), INTERVAL '1' MINUTE, INTERVAL '10' MINUTE))"
        + " GROUP BY card_id, window_start, window_end"))
        .map(r -> System.currentTimeMillis() - ((java.time.LocalDateTime) r.getField("newest")).toInstant(java.time.ZoneOffset.UTC)
            .toEpochMilli())
        .returns(Long.class);
    var rows = newest.collectAsync();
    JobClient job = env.executeAsync("bench-hop-freshness");
    List<Long> values = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      try {
        rows.forEachRemaining(values::add);
      } catch (RuntimeException e) {
        // the job was cancelled
      }
    });
    reader.start();
    produceLive(kafka.bootstrapServers(), topic, false, rate, seconds, cards);
    job.cancel().get();
    rows.close();
    reader.join(10_000);
    synchronized (values) {
      return quantiles(new ArrayList<>(values));
    }
  }

  /** Transactions stamped with the wall clock, at {@code rate} per second for {@code seconds}. */
  static void produceLive(String bootstrap, String topic, boolean singleObject, int rate, int seconds, int cards)
      throws Exception {
    var contract = SchemaCatalog.bundled().contract("dev.aifactory.payments.Transaction").schema();
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    java.util.Random random = new java.util.Random(1);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      long start = System.currentTimeMillis();
      long sent = 0;
      while (System.currentTimeMillis() - start < seconds * 1000L) {
        long due = (System.currentTimeMillis() - start) * rate / 1000;
        for (; sent < due; sent++) {
          org.apache.avro.generic.GenericData.Record tx = new org.apache.avro.generic.GenericData.Record(contract);
          tx.put("event_id", "live-" + sent);
          tx.put("card_id", "card-" + random.nextInt(cards));
          tx.put("merchant_id", "m-" + random.nextInt(40));
          tx.put("amount", 1 + random.nextInt(20_000) / 100.0);
          tx.put("currency", "EUR");
          tx.put("event_time", System.currentTimeMillis());
          byte[] key = tx.get("event_id").toString().getBytes(StandardCharsets.UTF_8);
          producer.send(new ProducerRecord<>(topic, null, (Long) tx.get("event_time"), key,
              singleObject ? AvroWire.singleObject(tx) : AvroWire.body(tx)));
        }
        Thread.sleep(10);
      }
    }
  }

  static Map<String, Double> quantiles(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("samples", (double) sorted.size());
    out.put("p50_ms", sorted.isEmpty() ? Double.NaN : (double) sorted.get(sorted.size() / 2));
    out.put("p99_ms", sorted.isEmpty() ? Double.NaN : (double) sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))));
    return out;
  }

  /** Every output to a discarding sink: the benchmark measures the computation, not a sink. */
  static final class Discarding implements FeatureSinks {
    @Override
    public void history(DataStream<FeatureRow> rows) {
      rows.sinkTo(new DiscardingSink<>()).name("discard history");
    }

    @Override
    public void online(DataStream<FeatureRow> rows) {
      rows.sinkTo(new DiscardingSink<>()).name("discard online");
    }

    @Override
    public void dropped(DataStream<DeadLetter> events) {
      events.sinkTo(new DiscardingSink<>()).name("discard dropped");
    }
  }
}
