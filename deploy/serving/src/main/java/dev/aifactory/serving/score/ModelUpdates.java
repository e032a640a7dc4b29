package dev.aifactory.serving.score;

import dev.aifactory.common.kafka.TopicFollower;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.control.ModelChanges;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot swap: applies the registry's changes from the control topic to the {@link SyncScorer} as
 * they come, with no restart. Like the streaming job it starts a minute before the registry was
 * read, so a change made while the service started is seen; seeing one twice is harmless. An
 * undecodable message is logged and skipped.
 */
public final class ModelUpdates implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelUpdates.class);

  private final SyncScorer scorer;
  private final TopicFollower follower;

  public ModelUpdates(String bootstrap, Properties consumerProperties, String topic, Instant registryRead, SyncScorer scorer) {
    this.scorer = scorer;
    this.follower = new TopicFollower(bootstrap, consumerProperties, topic,
        registryRead.minus(Duration.ofMinutes(1)).toEpochMilli(), this::apply, () -> { });
  }

  private void apply(ConsumerRecord<byte[], byte[]> r) {
    ModelVersion change;
    try {
      change = ModelChanges.decode(r.value());
    } catch (Exception e) {
      LOG.error("skipped control message at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
      return;
    }
    LOG.info("registry change {} as {}: {}", change.label(), change.stage(), scorer.apply(change));
  }

  @Override
  public void close() {
    follower.close();
  }
}
