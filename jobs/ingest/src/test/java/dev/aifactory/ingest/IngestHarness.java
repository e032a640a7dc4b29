package dev.aifactory.ingest;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
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
import java.util.function.UnaryOperator;
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
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
    m.put("ingest.bounded", "true");
    m.put("ingest.watermark.out-of-orderness", "5s");
    m.put("ingest.dq.window", "1h");
    m.put("iceberg.catalog.type", "hadoop");
    m.put("iceberg.catalog.warehouse", warehouse.toString());
    if (registryUrl != null) {
      m.put("schema.registry.url", registryUrl);
    }
    return JobConfig.of(m);
  }

  /** Runs the job to the end of what the topics hold now; {@code tap} may wrap the raw stream. */
  void run(JobConfig config, int restarts, UnaryOperator<DataStream<dev.aifactory.ingest.model.RawRecord>> tap) throws Exception {
    Configuration flink = new Configuration();
    if (restarts > 0) {
      flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts);
      flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    } else {
      flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    env.setParallelism(2);
    env.enableCheckpointing(500);
    IngestSettings settings = IngestSettings.from(config);
    IngestTopology.build(tap.apply(IngestJobMain.rawSource(env, config, settings)), settings,
        IngestJobMain.sinks(config, settings));
    env.execute("ingest-under-test");
  }

  RecordMetadata send(String topic, Integer partition, byte[] key, byte[] value, long timestamp) {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      return producer.send(new ProducerRecord<>(topic, partition, timestamp, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
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
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(info -> new TopicPartition(topic, info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 60_000;
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }
}
