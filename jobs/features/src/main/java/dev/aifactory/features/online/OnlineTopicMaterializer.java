package dev.aifactory.features.online;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.message.MissingSchemaException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an embedded {@link LocalOnlineStore} equal to the compacted online topic: reads every
 * partition from the beginning on a thread of its own, with no consumer group (every serving
 * process holds the whole store), and marks the store ready once it has read up to where the
 * topic ended when it started. Records of views it does not serve (another view or version on
 * the same topic) are skipped; a tombstone deletes the entity in every view it serves.
 */
public final class OnlineTopicMaterializer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OnlineTopicMaterializer.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<OnlineCodec> codecs;
  private final LocalOnlineStore store;
  private final Thread thread;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private volatile boolean running = true;

  public OnlineTopicMaterializer(String bootstrap, Properties consumerProperties, String topic, List<OnlineCodec> codecs,
      LocalOnlineStore store) {
    Properties p = new Properties();
    p.putAll(consumerProperties);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.codecs = codecs;
    this.store = store;
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(info -> new TopicPartition(topic, info.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> endAtStart = consumer.endOffsets(partitions, Duration.ofSeconds(30));
    this.thread = new Thread(() -> run(endAtStart), "online-topic-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  /** Vectors written to the store so far, and records of views not served here. */
  public long applied() {
    return applied.get();
  }

  public long skipped() {
    return skipped.get();
  }

  private void run(Map<TopicPartition, Long> endAtStart) {
    long backoffMs = 100;
    while (running) {
      try {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          apply(r);
        }
        if (!store.ready() && endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          store.markReady();
          LOG.info("online store caught up with the topic: {} vectors applied", applied.get());
        }
        backoffMs = 100;
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        // Kafka unavailable: the store keeps answering with what it has; retry, bounded backoff.
        LOG.warn("reading the online topic failed, retrying in {} ms: {}", backoffMs, e.toString());
        sleep(backoffMs);
        backoffMs = Math.min(5_000, backoffMs * 2);
      }
    }
  }

  private void apply(ConsumerRecord<byte[], byte[]> r) {
    if (r.key() == null) {
      skipped.incrementAndGet();
      return;
    }
    String entity = new String(r.key(), StandardCharsets.UTF_8);
    if (r.value() == null) {
      // A topic tombstone has no emitted_at: it supersedes every row up to its time.
      for (OnlineCodec codec : codecs) {
        store.write(OnlineKey.of(codec.view(), entity), StoredVector.tombstone(r.timestamp(), Long.MAX_VALUE));
      }
      applied.incrementAndGet();
      return;
    }
    for (OnlineCodec codec : codecs) {
      try {
        OnlineCodec.Vector v = codec.decode(r.value());
        store.write(OnlineKey.of(codec.view(), entity), new StoredVector(v.validFrom(), v.emittedAtMicros(), r.value()));
        applied.incrementAndGet();
        return;
      } catch (MissingSchemaException e) {
        // another view or version: try the next codec
      } catch (Exception e) {
        LOG.warn("skipping an unreadable online record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
        break;
      }
    }
    skipped.incrementAndGet();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close(Duration.ofSeconds(5));
  }
}
