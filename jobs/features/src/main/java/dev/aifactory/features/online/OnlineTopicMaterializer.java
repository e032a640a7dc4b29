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
 * are skipped; a tombstone deletes its key.
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
    OnlineKey key = keyOf(r);
    OnlineCodec codec = key == null ? null : codecs.stream().filter(c -> key.of(c.view())).findFirst().orElse(null);
    if (codec == null) {
      skipped.incrementAndGet(); // another view or version, or a key of another format
      return;
    }
    if (r.value() == null) {
      // A topic tombstone has no emitted_at: it supersedes every row up to its time.
      store.write(key, StoredVector.tombstone(r.timestamp(), Long.MAX_VALUE));
      applied.incrementAndGet();
      return;
    }
    try {
      OnlineCodec.Vector v = codec.decode(r.value());
      store.write(key, new StoredVector(v.validFrom(), v.emittedAtMicros(), r.value()));
      applied.incrementAndGet();
    } catch (Exception e) {
      LOG.warn("skipping an unreadable online record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
      skipped.incrementAndGet();
    }
  }

  private static OnlineKey keyOf(ConsumerRecord<byte[], byte[]> r) {
    try {
      return r.key() == null ? null : OnlineKey.parse(r.key());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public void close() {
    follower.close();
  }
}
