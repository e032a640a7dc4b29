package dev.aifactory.benchmarks;

import dev.aifactory.common.CommittedRows;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.ingest.IngestJobMain;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.localstack.LocalKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End-to-end ingest throughput, three ways, over the same pre-loaded Kafka topic in one run:
 *
 * <ol>
 *   <li>(a) {@code ingest_job}: the ingest job (decode, rules, dedup, bronze + silver +
 *       quarantine + dq tables);
 *   <li>(b) {@code sql_equivalent}: what a user would write in Flink SQL for the same bronze and
 *       silver tables (same columns, lineage included, same partitioning), a statement set with
 *       a pass-through into bronze and a {@code ROW_NUMBER} deduplication into silver; it does
 *       not check quality rules nor write the quarantine and dq tables, which the job does;
 *   <li>(c) {@code sql_passthrough}: a single {@code INSERT INTO iceberg SELECT * FROM kafka},
 *       the ceiling.
 * </ol>
 *
 * The topic holds bare Avro bodies of the v3 contract (what Flink SQL's {@code avro} format
 * reads), with the generator's duplicates. Every variant runs as a streaming job (checkpoints
 * every 5 s, parallelism 2) into its own fresh warehouse, from submission until every
 * expected row is committed to bronze (and silver), then it is cancelled; a run that does not
 * commit every row fails the benchmark. Throughput is events / that time, the median of the counted
 * rounds, after warm-up rounds, with variants interleaved so drift hits all of them alike.
 */
public final class IngestBenchmark {

  static final String TOPIC = "bench.transactions";
  static final List<String> VARIANTS = List.of("ingest_job", "sql_equivalent", "sql_passthrough");

  public static void main(String[] args) throws Exception {
    JobConfig cli = JobConfig.of(BenchmarkReport.args(args));
    int events = cli.getInt("events", 1_000_000);
    int rounds = cli.getInt("rounds", 5);
    int warmups = cli.getInt("warmup-rounds", 1);
    int parallelism = cli.getInt("parallelism", 2);
    List<String> variants = List.of(cli.get("variants", String.join(",", VARIANTS)).split(","));
    Path work = Files.createTempDirectory("ingest-bench");
    Path results = Path.of(cli.get("results", "results"));

    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(parallelism, TOPIC);
      long duplicates = preload(kafka.bootstrapServers(), events);
      long unique = events - duplicates;
      System.out.printf("pre-loaded %,d messages (%,d duplicates) into %s%n", events, duplicates, TOPIC);

      Map<String, List<Double>> seconds = new LinkedHashMap<>();
      Map<String, List<Double>> cpuSeconds = new LinkedHashMap<>();
      // Warm-up rounds run every variant first (JIT, class loading, the broker's first consumer
      // groups) and are not counted: the first job in a JVM is several times slower.
      for (int round = 1 - warmups; round <= rounds; round++) {
        for (String variant : variants) {
          Path warehouse = work.resolve(variant + "-" + (round + warmups));
          String bootstrap = kafka.bootstrapServers();
          long cpuBefore = BenchmarkReport.processCpuNanos();
          double s = switch (variant) {
            case "ingest_job" -> runIngestJob(bootstrap, warehouse, parallelism, events, unique);
            case "sql_equivalent" -> runSql(bootstrap, warehouse, parallelism, false, events, unique);
            case "sql_passthrough" -> runSql(bootstrap, warehouse, parallelism, true, events, -1);
            default -> throw new IllegalArgumentException("unknown variant " + variant);
          };
          double cpu = (BenchmarkReport.processCpuNanos() - cpuBefore) / 1e9;
          if (round >= 1) {
            seconds.computeIfAbsent(variant, k -> new ArrayList<>()).add(s);
            cpuSeconds.computeIfAbsent(variant, k -> new ArrayList<>()).add(Math.round(cpu * 10) / 10.0);
          }
          System.out.printf("%s %2d %-16s %6.1f s  %,10.0f events/s  %5.1f s CPU%n", round >= 1 ? "round  " : "warm-up", round,
              variant, s, events / s, cpu);
        }
      }
      if (seconds.keySet().containsAll(VARIANTS)) {
        BenchmarkReport.write(results, "ingest", events, parallelism, rounds, warmups, duplicates, seconds, cpuSeconds);
      }
    }
  }

  /** v3 records as bare Avro bodies, with the generator's duplicates; returns how many duplicates. */
  static long preload(String bootstrap, int events) throws Exception {
    PaymentsGenerator generator = new PaymentsGenerator(
        GeneratorSettings.defaults().withVersionMix(0, 0).withRates(0.02, 0.01, 0.0), TOPIC, null);
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("linger.ms", "20");
    p.put("batch.size", "262144");
    long duplicates = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < events; i++) {
        GeneratedMessage m = generator.next();
        duplicates += m.kind() == GeneratedMessage.Kind.DUPLICATE ? 1 : 0;
        byte[] body = Arrays.copyOfRange(m.value(), 10, m.value().length); // drop the single-object header
        producer.send(new ProducerRecord<>(TOPIC, null, m.timestamp(), m.key(), body));
      }
      producer.flush();
    }
    return duplicates;
  }

  /** A keyring beside the benchmark's warehouse: silver is tokenized, as it ships. */
  private static Path keyring(Path warehouse) {
    Path file = warehouse.resolveSibling("tokens.keyring");
    dev.aifactory.schemas.tokens.Keyring.loadOrCreate(file);
    return file;
  }

  static double runIngestJob(String bootstrap, Path warehouse, int parallelism, long events, long unique) throws Exception {
    JobConfig config = JobConfig.load("ingest-defaults.properties",
        "--kafka.bootstrap.servers", bootstrap,
        "--ingest.domains", "transactions",
        "--ingest.domain.transactions.topic", TOPIC,
        "--ingest.domain.transactions.plain-writer-schema", "payments/transaction-v3.avsc",
        "--ingest.group-id", "bench-" + System.nanoTime(),
        "--ingest.starting-offsets", "earliest",
        "--ingest.kafka-outputs", "false",
        "--iceberg.catalog.warehouse", warehouse.toString(),
        "--governance.tokens.keyring", keyring(warehouse).toString());
    StreamExecutionEnvironment env = environment(parallelism);
    IngestJobMain.define(env, config);
    long start = System.nanoTime();
    return untilCommitted(env.executeAsync("bench-ingest-job"), warehouse, start, events, unique);
  }

  static double runSql(String bootstrap, Path warehouse, int parallelism, boolean passthroughOnly, long events, long unique)
      throws Exception {
    StreamTableEnvironment tables = StreamTableEnvironment.create(environment(parallelism));
    // Event times are UTC instants; the cast from Avro's TIMESTAMP(3) must not shift them.
    tables.getConfig().set("table.local-time-zone", "UTC");
    tables.executeSql("CREATE CATALOG ice WITH ('type'='iceberg', 'catalog-type'='hadoop', 'warehouse'='"
        + warehouse.toUri() + "')");
    tables.executeSql("CREATE TEMPORARY TABLE raw_tx (\n"
        + "  `_key` BYTES,\n"
        + "  event_id STRING NOT NULL, card_id STRING NOT NULL, merchant_id STRING, amount DOUBLE NOT NULL,\n"
        + "  currency STRING NOT NULL, event_time TIMESTAMP(3) NOT NULL, channel STRING, geo_country STRING,\n"
        + "  geo_lat DOUBLE, geo_lon DOUBLE, ip_address STRING, device_id STRING,\n"
        + "  `_topic` STRING NOT NULL METADATA FROM 'topic' VIRTUAL, `_kafka_partition` INT NOT NULL METADATA FROM 'partition' VIRTUAL,\n"
        + "  `_offset` BIGINT NOT NULL METADATA FROM 'offset' VIRTUAL,\n"
        + "  `_kafka_timestamp` TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,\n"
        + "  proc AS PROCTIME()\n"
        + ") WITH ('connector'='kafka', 'topic'='" + TOPIC + "', 'properties.bootstrap.servers'='" + bootstrap + "',\n"
        + "  'properties.group.id'='bench-sql-" + System.nanoTime() + "', 'scan.startup.mode'='earliest-offset',\n"
        + "  'key.format'='raw', 'key.fields'='_key', 'value.format'='avro', 'value.fields-include'='EXCEPT_KEY')");
    String data = "event_id, card_id, merchant_id, amount, currency, CAST(event_time AS TIMESTAMP_LTZ(3)), channel,"
        + " geo_country, geo_lat, geo_lon, ip_address, device_id";
    StatementSet set = tables.createStatementSet();
    if (passthroughOnly) {
      // The ceiling: the payload and the Kafka coordinates into an unpartitioned table.
      tables.executeSql("CREATE DATABASE IF NOT EXISTS ice.bronze");
      tables.executeSql("CREATE TABLE ice.bronze.transactions (`_topic` STRING, `_kafka_partition` INT, `_offset` BIGINT,"
          + " `_kafka_timestamp` TIMESTAMP_LTZ(3), event_id STRING, card_id STRING, merchant_id STRING, amount DOUBLE,"
          + " currency STRING, event_time TIMESTAMP_LTZ(3), channel STRING, geo_country STRING, geo_lat DOUBLE,"
          + " geo_lon DOUBLE, ip_address STRING, device_id STRING)");
      set.addInsertSql("INSERT INTO ice.bronze.transactions SELECT `_topic`, `_kafka_partition`, `_offset`, `_kafka_timestamp`, "
          + data + " FROM raw_tx");
    } else {
      // The same outputs as the ingest job: its bronze and silver tables, with the same
      // columns and partitioning (created through Iceberg's API, since Flink DDL cannot declare
      // day() partitions), filled by SQL. The lineage columns a SQL user can know are constants
      // here: the topic has one plain writer.
      createSameTablesAsTheIngestJob(warehouse);
      Schema writer = transactionV3();
      long fingerprint = SchemaNormalization.parsingFingerprint64(writer);
      set.addInsertSql("INSERT INTO ice.bronze.transactions SELECT `_topic`, `_kafka_partition`, `_offset`, `_kafka_timestamp`,"
          + " `_key`, 'plain:" + Long.toHexString(fingerprint) + "', CAST(" + fingerprint + " AS BIGINT), 3,"
          + " CURRENT_TIMESTAMP, CAST(NULL AS STRING), " + data + " FROM raw_tx");
      set.addInsertSql("INSERT INTO ice.silver.transactions SELECT `_topic`, `_kafka_partition`, `_offset`, `_kafka_timestamp`,"
          + " 3, CURRENT_TIMESTAMP, CAST(NULL AS STRING), " + data + " FROM (\n"
          + "  SELECT *, ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY proc ASC) AS rn FROM raw_tx) WHERE rn = 1");
    }
    long start = System.nanoTime();
    return untilCommitted(set.execute().getJobClient().orElseThrow(), warehouse, start, events, passthroughOnly ? -1 : unique);
  }

  private static void createSameTablesAsTheIngestJob(Path warehouse) {
    Catalog catalog = IcebergCatalogs.local(warehouse).loadCatalog();
    Schema contract = transactionV3();
    IngestTables.Layout bronze = IngestTables.bronzeLayout(contract);
    IngestTables.Layout silver = IngestTables.silverLayout(contract, "event_time");
    catalog.createTable(IngestTables.bronze("transactions"), bronze.schema(), bronze.spec());
    catalog.createTable(IngestTables.silver("transactions"), silver.schema(), silver.spec());
  }

  private static Schema transactionV3() {
    return SchemaCatalog.bundled().contract("dev.aifactory.payments.Transaction").schema();
  }

  /**
   * A streaming job does not end: a run lasts from submission until every expected row is
   * committed to bronze (and silver, unless {@code silverRows} is negative); then the job is
   * cancelled: it measures the streaming path users run, commit latency included.
   */
  static double untilCommitted(JobClient job, Path warehouse, long start, long bronzeRows, long silverRows) throws Exception {
    long deadline = start + TimeUnit.MINUTES.toNanos(10);
    var catalog = IcebergCatalogs.local(warehouse).loadCatalog();
    try {
      while (true) {
        long bronze = CommittedRows.fromSummary(catalog, TableIdentifier.of("bronze", "transactions"));
        long silver = silverRows < 0 ? 0 : CommittedRows.fromSummary(catalog, TableIdentifier.of("silver", "transactions"));
        if (bronze > bronzeRows || silver > silverRows && silverRows >= 0) {
          throw new IllegalStateException("more rows than sent: bronze=" + bronze + " silver=" + silver);
        }
        if (Boolean.getBoolean("bench.trace")) {
          System.out.printf("  %5.1f s bronze=%,d silver=%,d%n", (System.nanoTime() - start) / 1e9, bronze, silver);
        }
        if (bronze == bronzeRows && (silverRows < 0 || silver == silverRows)) {
          double seconds = (System.nanoTime() - start) / 1e9;
          // The summary is cheap to poll; confirm against the data files once at the end.
          long bronzeFiles = CommittedRows.of(catalog, TableIdentifier.of("bronze", "transactions"));
          if (bronzeFiles != bronzeRows) {
            throw new IllegalStateException("bronze data files hold " + bronzeFiles + " rows, expected " + bronzeRows);
          }
          return seconds;
        }
        if (System.nanoTime() > deadline || job.getJobStatus().get().isTerminalState()) {
          throw new IllegalStateException("job ended or timed out with bronze=" + bronze + " silver=" + silver
              + ", expected " + bronzeRows + " and " + silverRows);
        }
        Thread.sleep(500);
      }
    } finally {
      if (!job.getJobStatus().get().isTerminalState()) {
        job.cancel().get();
      }
    }
  }

  private static StreamExecutionEnvironment environment(int parallelism) {
    Configuration conf = new Configuration();
    // Iceberg commits on checkpoints: the interval bounds how soon rows become visible, and it
    // is the same for every variant.
    conf.setString("execution.checkpointing.interval", "5s");
    conf.setString("state.backend.type", "rocksdb");
    conf.setString("restart-strategy.type", "none");
    conf.setString("taskmanager.memory.managed.size", "512m");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    return env;
  }
}
