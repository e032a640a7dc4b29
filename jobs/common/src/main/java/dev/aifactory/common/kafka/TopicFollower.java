package dev.aifactory.common.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every partition of one topic on a thread of its own, outside Flink, handing each
 * record to a callback: for a process that keeps a view of a topic (the serving API's embedded
 * online store, its model changes). No consumer group, so every process reads everything;
 * committed records only. A Kafka failure is retried with a bounded backoff, never thrown.
 * Once it has read up to where the topic ended when it started, it is caught up: {@link
 * #caughtUp()} says so, and {@code onCaughtUp} runs once. A handler must not throw.
 */
public final class TopicFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
  private final Runnable onCaughtUp;
  private final Map<TopicPartition, Long> endAtStart;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean caughtUp;

  /**
   * Starts at the beginning ({@code fromTimestampMillis} null) or at the first record at or after
   * a time (the end where there is none).
   */
  public TopicFollower(String bootstrap, Properties consumerProperties, String topic, Long fromTimestampMillis,
      Consumer<ConsumerRecord<byte[], byte[]>> handler, Runnable onCaughtUp) {
    Properties p = new Properties();
    p.putAll(consumerProperties);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.handler = handler;
    this.onCaughtUp = onCaughtUp;
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(info -> new TopicPartition(topic, info.partition())).toList();
    consumer.assign(partitions);
    if (fromTimestampMillis == null) {
      consumer.seekToBeginning(partitions);
    } else {
      Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(
          partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> fromTimestampMillis)), Duration.ofSeconds(30));
      consumer.seekToEnd(partitions);
      offsets.forEach((tp, o) -> {
        if (o != null) {
          consumer.seek(tp, o.offset());
        }
      });
    }
    this.endAtStart = consumer.endOffsets(partitions, Duration.ofSeconds(30));
    this.thread = new Thread(this::run, "follow-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  public boolean caughtUp() {
    return caughtUp;
  }

  /**
   * Reads a topic once, from its beginning to where it ended when the read started, handing
   * each record to {@code handler} (on the follower's thread): for a command that needs a
   * topic's whole content once (the review queue, an erasure's keys).
   *
   * @throws java.util.concurrent.TimeoutException it could not be read to its end in {@code timeout}
   */
  public static void readToEnd(String bootstrap, Properties consumerProperties, String topic,
      Consumer<ConsumerRecord<byte[], byte[]>> handler, Duration timeout)
      throws InterruptedException, java.util.concurrent.TimeoutException {
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    try (TopicFollower follower = new TopicFollower(bootstrap, consumerProperties, topic, null, handler, done::countDown)) {
      if (!done.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        throw new java.util.concurrent.TimeoutException("could not read " + topic + " to its end within " + timeout.toSeconds() + " s");
      }
    }
  }

  private void run() {
    long backoffMs = 100;
    while (running) {
      try {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          handler.accept(r);
        }
        if (!caughtUp && endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          caughtUp = true;
          onCaughtUp.run();
        }
        backoffMs = 100;
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("reading {} failed, retrying in {} ms: {}", thread.getName(), backoffMs, e.toString());
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          return;
        }
        backoffMs = Math.min(5_000, backoffMs * 2);
      }
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
