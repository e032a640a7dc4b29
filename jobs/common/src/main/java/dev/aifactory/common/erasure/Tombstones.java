package dev.aifactory.common.erasure;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.time.Duration;
import dev.aifactory.common.kafka.TopicFollower;
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
 * the key. A subject's key is one of its tokens, or ends with {@code ":" + token} (the online
 * topic's {@code features:<view>:v<version>:<token>}, one per view version): the topic is read
 * to its end to find them all. A topic that is not compacted keeps its records until its
 * retention ends; those are reported, not silently skipped.
 */
public final class Tombstones {

  private Tombstones() {}

  /**
   * Per topic: whether tombstones were sent (compacted) and for how many keys, or the topic's
   * retention that will erase it instead.
   */
  public record TopicResult(String topic, boolean tombstoned, int keys, String retentionMs) {}

  public static List<TopicResult> send(String bootstrap, Properties producerProperties, Properties consumerProperties,
      Collection<String> topics, Collection<String> tokens) throws Exception {
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
        Set<String> keys = compacted ? keysOf(bootstrap, consumerProperties, topic, tokens) : Set.of();
        for (String key : keys) {
          producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), null)).get();
        }
        results.add(new TopicResult(topic, compacted, keys.size(), config.get(TopicConfig.RETENTION_MS_CONFIG).value()));
      }
    }
    return results;
  }

  /** The keys on {@code topic} that are one of the tokens or end with {@code ":" + token}. */
  static Set<String> keysOf(String bootstrap, Properties consumerProperties, String topic, Collection<String> tokens)
      throws InterruptedException, TimeoutException {
    Set<String> found = ConcurrentHashMap.newKeySet();
    TopicFollower.readToEnd(bootstrap, consumerProperties, topic, r -> {
      if (r.key() != null) {
        String key = new String(r.key(), StandardCharsets.UTF_8);
        for (String token : tokens) {
          if (key.equals(token) || key.endsWith(":" + token)) {
            found.add(key);
          }
        }
      }
    }, Duration.ofSeconds(60));
    return new TreeSet<>(found);
  }
}
