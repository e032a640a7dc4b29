package dev.aifactory.common.erasure;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Tombstones (a key with a null value) for a subject's keys on compacted topics, such as the
 * online feature store {@code features.<entity>}: compaction then drops every earlier value of
 * the key. A topic that is not compacted keeps its records until its retention ends; those are
 * reported, not silently skipped.
 */
public final class Tombstones {

  private Tombstones() {}

  /** Per topic: whether tombstones were sent (compacted) or the topic's retention that will erase it instead. */
  public record TopicResult(String topic, boolean tombstoned, String retentionMs) {}

  public static List<TopicResult> send(String bootstrap, Properties producerProperties, Collection<String> topics,
      Collection<String> keys) throws Exception {
    List<TopicResult> results = new ArrayList<>();
    Properties p = new Properties();
    p.putAll(producerProperties);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (String topic : topics) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        boolean compacted = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value().contains(TopicConfig.CLEANUP_POLICY_COMPACT);
        if (compacted) {
          for (String key : keys) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), null)).get();
          }
        }
        results.add(new TopicResult(topic, compacted, config.get(TopicConfig.RETENTION_MS_CONFIG).value()));
      }
    }
    return results;
  }
}
