package dev.aifactory.benchmarks;

import dev.aifactory.common.JobConfig;
import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.ingest.IngestJobMain;
import dev.aifactory.localstack.LocalKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End-to-end ingest throughput, three ways, over the same pre-loaded Kafka topic in one run:
 *
 * <ol>
 *   <li>(a) the ingest job (decode, rules, dedup, bronze + silver + quarantine + dq tables);
 *   <li>(b) what a user would write in Flink SQL for bronze and silver: a statement set with a
 *       pass-through into bronze and a {@code ROW_NUMBER} deduplication into silver;
 *   <li>(c) a single {@code INSERT INTO iceberg SELECT * FROM kafka}: the ceiling.
 * </ol>
 *
 * The topic holds bare Avro bodies of the v3 contract (what Flink SQL's {@code avro} format
 * reads), with duplicates. Each variant runs bounded to the end of the topic at the same
 * parallelism into its own fresh warehouse; throughput is records / job wall time, best of
 * {@code --rounds}, variants interleaved so drift on the machine hits all of them alike.
 */
public final class IngestBenchmark {

  static final String TOPIC = "bench.transactions";

  public static void main(String[] args) throws Exception {
    JobConfig cli = JobConfig.of(Map.of()).withAll(parse(args));
    int events = cli.getInt("events", 400_000);
    int rounds = cli.getInt("rounds", 2);
    int parallelism = cli.getInt("parallelism", 2);
    Path work = Files.createTempDirectory("ingest-bench");
    Path results = Path.of(cli.get("results", "results"));

    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(parallelism, TOPIC);
      long duplicates = preload(kafka.bootstrapServers(), events);
      System.out.printf("pre-loaded %,d messages (%,d duplicates) into %s%n", events, duplicates, TOPIC);

      Map<String, List<Double>> seconds = new LinkedHashMap<>();
      for (int round = 1; round <= rounds; round++) {
        for (String variant : List.of("ingest_job", "sql_equivalent", "sql_passthrough")) {
          Path warehouse = work.resolve(variant + "-" + round);
          double s = switch (variant) {
            case "ingest_job" -> runIngestJob(kafka.bootstrapServers(), warehouse, parallelism, round);
            case "sql_equivalent" -> runSql(kafka.bootstrapServers(), warehouse, parallelism, false);
            default -> runSql(kafka.bootstrapServers(), warehouse, parallelism, true);
          };
          seconds.computeIfAbsent(variant, k -> new ArrayList<>()).add(s);
          System.out.printf("round %d %-16s %6.1f s  %,10.0f events/s%n", round, variant, s, events / s);
        }
      }
      BenchmarkReport.write(results, "ingest", events, parallelism, rounds, duplicates, seconds);
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

  static double runIngestJob(String bootstrap, Path warehouse, int parallelism, int round) throws Exception {
    JobConfig config = JobConfig.load("ingest-defaults.properties",
        "--kafka.bootstrap.servers", bootstrap,
        "--ingest.domains", "transactions",
        "--ingest.domain.transactions.topic", TOPIC,
        "--ingest.domain.transactions.plain-writer-schema", "payments/transaction-v3.avsc",
        "--ingest.group-id", "bench-" + round + "-" + System.nanoTime(),
        "--ingest.bounded", "true",
        "--ingest.kafka-outputs", "false",
        "--iceberg.catalog.warehouse", warehouse.toString());
    StreamExecutionEnvironment env = environment(parallelism);
    IngestJobMain.define(env, config);
    long start = System.nanoTime();
    env.execute("bench-ingest-job");
    return (System.nanoTime() - start) / 1e9;
  }

  static double runSql(String bootstrap, Path warehouse, int parallelism, boolean passthroughOnly) throws Exception {
    StreamExecutionEnvironment env = environment(parallelism);
    StreamTableEnvironment tables = StreamTableEnvironment.create(env);
    tables.executeSql("CREATE CATALOG ice WITH ('type'='iceberg', 'catalog-type'='hadoop', 'warehouse'='"
        + warehouse.toUri() + "')");
    tables.executeSql("CREATE DATABASE IF NOT EXISTS ice.bronze");
    tables.executeSql("CREATE DATABASE IF NOT EXISTS ice.silver");
    tables.executeSql("CREATE TEMPORARY TABLE raw_tx (\n"
        + "  event_id STRING NOT NULL, card_id STRING NOT NULL, merchant_id STRING, amount DOUBLE NOT NULL,\n"
        + "  currency STRING NOT NULL, event_time TIMESTAMP_LTZ(3) NOT NULL, channel STRING, geo_country STRING,\n"
        + "  geo_lat DOUBLE, geo_lon DOUBLE, ip_address STRING, device_id STRING,\n"
        + "  `_topic` STRING METADATA FROM 'topic' VIRTUAL, `_partition` INT METADATA FROM 'partition' VIRTUAL,\n"
        + "  `_offset` BIGINT METADATA FROM 'offset' VIRTUAL, `_kafka_timestamp` TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,\n"
        + "  proc AS PROCTIME()\n"
        + ") WITH ('connector'='kafka', 'topic'='" + TOPIC + "', 'properties.bootstrap.servers'='" + bootstrap + "',\n"
        + "  'properties.group.id'='bench-sql-" + System.nanoTime() + "', 'scan.startup.mode'='earliest-offset',\n"
        + "  'scan.bounded.mode'='latest-offset', 'format'='avro')");
    String columns = "event_id, card_id, merchant_id, amount, currency, event_time, channel, geo_country, geo_lat, geo_lon, ip_address, device_id";
    String ddl = "(event_id STRING, card_id STRING, merchant_id STRING, amount DOUBLE, currency STRING,"
        + " event_time TIMESTAMP_LTZ(3), channel STRING, geo_country STRING, geo_lat DOUBLE, geo_lon DOUBLE, ip_address STRING,"
        + " device_id STRING, `_topic` STRING, `_partition` INT, `_offset` BIGINT, `_kafka_timestamp` TIMESTAMP_LTZ(3))";
    tables.executeSql("CREATE TABLE ice.bronze.transactions " + ddl);
    String lineage = ", `_topic`, `_partition`, `_offset`, `_kafka_timestamp`";
    StatementSet set = tables.createStatementSet();
    set.addInsertSql("INSERT INTO ice.bronze.transactions SELECT " + columns + lineage + " FROM raw_tx");
    if (!passthroughOnly) {
      tables.executeSql("CREATE TABLE ice.silver.transactions " + ddl);
      set.addInsertSql("INSERT INTO ice.silver.transactions SELECT " + columns + lineage + " FROM (\n"
          + "  SELECT *, ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY proc ASC) AS rn FROM raw_tx) WHERE rn = 1");
    }
    long start = System.nanoTime();
    set.execute().await();
    return (System.nanoTime() - start) / 1e9;
  }

  private static StreamExecutionEnvironment environment(int parallelism) {
    Configuration conf = new Configuration();
    conf.setString("execution.checkpointing.interval", "10s");
    conf.setString("state.backend.type", "rocksdb");
    conf.setString("restart-strategy.type", "none");
    conf.setString("taskmanager.memory.managed.size", "512m");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    return env;
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      out.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    return out;
  }
}
