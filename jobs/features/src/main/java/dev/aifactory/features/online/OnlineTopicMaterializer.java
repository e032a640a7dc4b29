package dev.aifactory.features.online;

import dev.aifactory.common.kafka.TopicFollower;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an embedded {@link LocalOnlineStore} equal to the compacted online topic: follows every
 * partition from the beginning (every serving process holds the whole store), and marks the
 * store ready once it has read up to where the topic ended when it started. Records are keyed by
 * {@link OnlineKey}: those of views it does not serve (another view or version on the same topic)
 * are skipped; a tombstone deletes its key. Records of releases before the key held the view and
 * version (keyed by the entity alone) are read too ({@link OnlineKey#resolve}), so a topic written
 * before an upgrade serves every card at once rather than only those updated since. Vectors never
 * move backwards: the store keeps the newest whichever key brought it.
 */
public final class OnlineTopicMaterializer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OnlineTopicMaterializer.class);

  private final List<OnlineCodec> codecs;
  private final LocalOnlineStore store;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final TopicFollower follower;

  public OnlineTopicMaterializer(String bootstrap, Properties consumerProperties, String topic, List<OnlineCodec> codecs,
      LocalOnlineStore store) {
    this.codecs = codecs;
    this.store = store;
    this.follower = new TopicFollower(bootstrap, consumerProperties, topic, null, this::apply, () -> {
      store.markReady();
      LOG.info("online store caught up with {}: {} vectors applied", topic, applied.get());
    });
  }

  /** Vectors written to the store so far, and records of views not served here. */
  public long applied() {
    return applied.get();
  }

  public long skipped() {
    return skipped.get();
  }

  private void apply(ConsumerRecord<byte[], byte[]> r) {
    boolean served = false;
    for (OnlineCodec codec : codecs) {
      OnlineKey key = OnlineKey.resolve(r.key(), r.value(), codec);
      if (key == null) {
        continue; // another view or version
      }
      if (r.value() == null) {
        // A topic tombstone has no emitted_at: it supersedes every row up to its time.
        store.write(key, StoredVector.tombstone(r.timestamp(), Long.MAX_VALUE));
        served = true;
        continue;
      }
      try {
        OnlineCodec.Vector v = codec.decode(r.value());
        store.write(key, new StoredVector(v.validFrom(), v.emittedAtMicros(), r.value()));
        served = true;
      } catch (Exception e) {
        LOG.warn("skipping an unreadable online record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
      }
    }
    (served ? applied : skipped).incrementAndGet();
  }

  @Override
  public void close() {
    follower.close();
  }
}
