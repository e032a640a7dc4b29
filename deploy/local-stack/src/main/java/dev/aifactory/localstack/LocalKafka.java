package dev.aifactory.localstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker (KRaft, one combined broker+controller node) running in this JVM, from
 * Kafka's own artifacts. Tests, the demo and the benchmarks use it; nothing is mocked.
 */
public final class LocalKafka implements AutoCloseable {

  private final KafkaClusterTestKit cluster;

  private LocalKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  public static LocalKafka start() {
    try {
      KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              .build())
          // One broker: internal topics cannot be replicated, transactions must still work.
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("offsets.topic.num.partitions", "4")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("transaction.state.log.num.partitions", "4")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("auto.create.topics.enable", "false")
          // Keep everything: generated data carries event-time timestamps months in the past,
          // and time-based retention (7 days by default, first checked 30 s after start) would
          // delete it under a running job.
          .setConfigProp("log.retention.ms", "-1")
          .setConfigProp("log.retention.bytes", "-1")
          // Labels are stamped with the day they become known, which for data generated up to
          // now lies in the future; Kafka 4 rejects timestamps over an hour ahead by default.
          .setConfigProp("log.message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE))
          .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new LocalKafka(cluster);
    } catch (Exception e) {
      throw new IllegalStateException("the in-process Kafka broker did not start", e);
    }
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Creates topics (idempotent) with the given partition count. */
  public void createTopics(int partitions, String... topics) {
    createTopics(partitions, Map.of(), topics);
  }

  public void createTopics(int partitions, Map<String, String> config, String... topics) {
    createTopics(bootstrapServers(), partitions, config, topics);
  }

  /** Creates topics (idempotent) on any Kafka cluster, with one replica each (a local broker). */
  public static void createTopics(String bootstrap, int partitions, Map<String, String> config, String... topics) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      List<NewTopic> newTopics = new ArrayList<>();
      for (String topic : topics) {
        newTopics.add(new NewTopic(topic, partitions, (short) 1).configs(config));
      }
      for (var entry : admin.createTopics(newTopics).values().entrySet()) {
        try {
          entry.getValue().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topics " + List.of(topics), e);
    }
  }

  public Admin admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return Admin.create(props);
  }

  /** Everything a topic holds now, from the beginning of every partition. */
  public List<ConsumerRecord<byte[], byte[]>> readTopic(String topic) {
    return readTopic(bootstrapServers(), topic);
  }

  /** Everything a topic of any Kafka cluster holds now, from the beginning of every partition. */
  public static List<ConsumerRecord<byte[], byte[]>> readTopic(String bootstrap, String topic) {
    return readTopic(bootstrap, topic, "read_uncommitted");
  }

  /**
   * What a {@code read_committed} consumer sees of a topic now: records of committed transactions
   * only, up to the last stable offset.
   */
  public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
    return readTopic(bootstrapServers(), topic, "read_committed");
  }

  private static List<ConsumerRecord<byte[], byte[]>> readTopic(String bootstrap, String topic, String isolation) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("isolation.level", isolation);
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

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      throw new IllegalStateException("the in-process Kafka broker did not stop cleanly", e);
    }
  }
}
