package dev.aifactory.ingest;

import dev.aifactory.common.CommittedRows;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.schemas.tokens.Keyring;
import dev.aifactory.schemas.tokens.Tokenizer;
import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.localstack.LocalKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import dev.aifactory.ingest.model.Decoded;
import dev.aifactory.ingest.sink.IngestTables;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Runs the real ingest job (bounded) on the mini cluster against a real broker and Iceberg folder. */
final class IngestHarness {

  final LocalKafka kafka;
  final Path warehouse;
  final String registryUrl;

  IngestHarness(LocalKafka kafka, Path warehouse, String registryUrl) {
    this.kafka = kafka;
    this.warehouse = warehouse;
    this.registryUrl = registryUrl;
  }

  JobConfig config(String groupId) {
    Map<String, String> m = new HashMap<>();
    m.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    m.put("ingest.domains", "transactions,labels");
    m.put("ingest.group-id", groupId);
    m.put("ingest.starting-offsets", "earliest");
    m.put("ingest.watermark.out-of-orderness", "5s");
    m.put("ingest.dq.window", "1h");
    m.put("iceberg.catalog.type", "hadoop");
    m.put("iceberg.catalog.warehouse", warehouse.toString());
    if (registryUrl != null) {
      m.put("schema.registry.url", registryUrl);
    }
    m.put("governance.tokens.keyring", keyring().toString());
    // The shipped transport (a file), beside the test's warehouse rather than in the checkout.
    m.put("lineage.transport.location", lineageEvents().toString());
    return JobConfig.of(m);
  }

  /** The test's own token keyring, beside its warehouse (created on first use, like a local stack's). */
  Path keyring() {
    Path file = warehouse.resolveSibling(warehouse.getFileName() + ".keyring");
    Keyring.loadOrCreate(file);
    return file;
  }

  /** Where the runs' OpenLineage events go. */
  Path lineageEvents() {
    return warehouse.resolveSibling(warehouse.getFileName() + ".lineage.jsonl");
  }

  /** Tokens as the job makes them, for expectations on silver. */
  Tokenizer tokens() {
    return new Tokenizer(Keyring.load(keyring()));
  }

  /** Runs the job bounded (BATCH, as {@code ingest.bounded} does) to the end of what the topics hold now. */
  void runBounded(JobConfig config) throws Exception {
    JobConfig bounded = config.with("ingest.bounded", "true");
    StreamExecutionEnvironment env = environment(bounded);
    define(env, bounded, raw -> raw);
    env.execute("ingest-under-test");
  }

  /**
   * Starts the job as in production, streaming with checkpoints, optionally restored from a
   * savepoint; {@code tap} may wrap the decoded stream.
   */
  JobClient startStreaming(JobConfig config, UnaryOperator<DataStream<Decoded>> tap, String savepoint) throws Exception {
    return startStreaming(config, tap, savepoint, 0);
  }

  /** As above, with {@code restarts} attempts of Flink's fixed-delay restart strategy. */
  JobClient startStreaming(JobConfig config, UnaryOperator<DataStream<Decoded>> tap, String savepoint, int restarts)
      throws Exception {
    return startStreaming(config, tap, savepoint, restarts, null);
  }

  /** As above; with {@code checkpoints} set, checkpoints are kept there after the job is cancelled. */
  JobClient startStreaming(JobConfig config, UnaryOperator<DataStream<Decoded>> tap, String savepoint, int restarts,
      Path checkpoints) throws Exception {
    JobConfig streaming = config.with("ingest.bounded", "false");
    StreamExecutionEnvironment env = environment(streaming);
    if (checkpoints != null) {
      Configuration retained = new Configuration();
      retained.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
      retained.set(org.apache.flink.configuration.CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
          org.apache.flink.configuration.ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
      env.configure(retained);
    }
    if (restarts > 0) {
      Configuration restart = new Configuration();
      restart.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts);
      restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
      env.configure(restart);
    }
    if (savepoint != null) {
      Configuration restore = new Configuration();
      restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
      env.configure(restore);
    }
    env.enableCheckpointing(500);
    define(env, streaming, tap);
    return env.executeAsync("ingest-under-test");
  }

  /** Waits until {@code done} holds; fails if the job stops first or it takes longer than {@code timeout}. */
  void await(JobClient job, BooleanSupplier done, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the streaming job (" + job.getJobStatus().get() + ") did not commit the expected rows within "
            + timeout + "; committed now: bronze " + committed(IngestTables.bronze("transactions")) + ", silver "
            + committed(IngestTables.silver("transactions")) + ", quarantine " + committed(IngestTables.QUARANTINE)
            + "\n" + taskThreads());
      }
      if (job.getJobStatus().get().isTerminalState()) {
        job.getJobExecutionResult().get(); // surfaces the failure
        throw new AssertionError("the streaming job stopped before committing the expected rows");
      }
      Thread.sleep(200);
    }
  }

  /** Stacks of Flink's task threads, for a test that timed out. */
  private static String taskThreads() {
    StringBuilder out = new StringBuilder();
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      String name = thread.getName();
      if (name.contains("Source") || name.contains("iceberg") || name.contains("dedup") || name.contains("Committer")
          || name.contains("dq windows")) {
        out.append("thread ").append(name).append(" ").append(thread.getState()).append('\n');
        for (int i = 0; i < Math.min(12, stack.length); i++) {
          out.append("    at ").append(stack[i]).append('\n');
        }
      }
    });
    return out.toString();
  }

  private static void define(StreamExecutionEnvironment env, JobConfig config, UnaryOperator<DataStream<Decoded>> tap) {
    IngestSettings settings = IngestSettings.from(config);
    IngestTopology.build(tap.apply(IngestJobMain.source(env, config, settings)), settings,
        IngestJobMain.sinks(config, settings));
    IngestJobMain.maintenance(env, config, settings);
    IngestJobMain.lineage(config, settings).attachTo(env);
  }

  private static StreamExecutionEnvironment environment(JobConfig config) {
    Configuration flink = new Configuration();
    // A failing job must fail the test, not restart forever.
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    if (config.getBoolean("ingest.bounded", false)) {
      flink.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    env.setParallelism(2);
    return env;
  }

  long committed(TableIdentifier id) {
    return CommittedRows.of(IcebergCatalogs.local(warehouse).loadCatalog(), id);
  }

  RecordMetadata send(String topic, Integer partition, byte[] key, byte[] value, long timestamp) {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      return producer.send(new ProducerRecord<>(topic, partition, timestamp, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends each message (partition, key, value, timestamp as given) with one producer; their coordinates, in order. */
  List<RecordMetadata> sendEach(List<ProducerRecord<byte[], byte[]>> records) {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      List<java.util.concurrent.Future<RecordMetadata>> sent = records.stream().map(producer::send).toList();
      List<RecordMetadata> out = new java.util.ArrayList<>();
      for (var f : sent) {
        out.add(f.get());
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends generated messages, each with its own topic, key and event-time timestamp, and flushes. */
  void sendAll(List<GeneratedMessage> messages) {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      messages.forEach(m -> producer.send(new ProducerRecord<>(m.topic(), null, m.timestamp(), m.key(), m.value())));
      producer.flush();
    }
  }

  KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("acks", "all");
    p.put("linger.ms", "5");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  List<Record> table(TableIdentifier id) {
    Catalog catalog = IcebergCatalogs.local(warehouse).loadCatalog();
    Table table = catalog.loadTable(id);
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      it.forEach(r -> rows.add(r.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  Table loadTable(TableIdentifier id) {
    return IcebergCatalogs.local(warehouse).loadCatalog().loadTable(id);
  }

  /** Every record a topic holds now, from the beginning. */
  List<ConsumerRecord<byte[], byte[]>> readTopic(String topic) {
    return kafka.readTopic(topic);
  }
}
