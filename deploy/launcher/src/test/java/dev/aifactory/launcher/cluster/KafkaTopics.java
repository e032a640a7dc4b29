package dev.aifactory.launcher.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the cluster tests read from and write to the broker process. */
final class KafkaTopics {

  private final String bootstrap;

  KafkaTopics(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  void create(int partitions, String... topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      List<NewTopic> wanted = new ArrayList<>();
      for (String t : topics) {
        wanted.add(new NewTopic(t, partitions, (short) 1));
      }
      admin.createTopics(wanted).all().get();
    }
  }

  /** End offsets per partition (committed records only, as a read_committed consumer sees them). */
  Map<Integer, Long> endOffsets(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      return consumer.endOffsets(partitions).entrySet().stream()
          .collect(Collectors.toMap(e -> e.getKey().partition(), Map.Entry::getValue));
    }
  }

  /** Offsets a consumer group has committed, per partition of the topic (0 where none). */
  Map<Integer, Long> committed(String group, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Map<Integer, Long> out = new java.util.TreeMap<>();
      endOffsets(topic).keySet().forEach(p -> out.put(p, 0L));
      admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().forEach((tp, om) -> {
        if (tp.topic().equals(topic) && om != null) {
          out.put(tp.partition(), om.offset());
        }
      });
      return out;
    }
  }

  /** Every committed record of the topic, from the beginning to the end offsets of now. */
  List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
      return records;
    }
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", "false");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
