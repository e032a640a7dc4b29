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
 * version (keyed by the entity alone) are read too, their version taken from the value (it
 * carries it), so a topic written before an upgrade serves every card at once rather than only
 * those updated since; such a tombstone deletes the entity in every version served. Versions
 * never move backwards: the store keeps the newest vector whichever key brought it.
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
    if (key == null && r.key() != null) {
      applyUnversioned(r);
      return;
    }
    OnlineCodec codec = key == null ? null : codecs.stream().filter(c -> key.of(c.view())).findFirst().orElse(null);
    if (codec == null) {
      skipped.incrementAndGet(); // another view or version, or no key
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

  /** A record keyed by the entity alone (releases before the key held the view and version). */
  private void applyUnversioned(ConsumerRecord<byte[], byte[]> r) {
    String entity = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
    if (r.value() == null) {
      codecs.forEach(c -> store.write(OnlineKey.of(c.view(), entity), StoredVector.tombstone(r.timestamp(), Long.MAX_VALUE)));
      applied.incrementAndGet();
      return;
    }
    for (OnlineCodec codec : codecs) {
      try {
        OnlineCodec.Vector v = codec.decode(r.value()); // fails unless the value is this version's record
        if (v.entity().equals(entity)) {
          store.write(OnlineKey.of(codec.view(), entity), new StoredVector(v.validFrom(), v.emittedAtMicros(), r.value()));
          applied.incrementAndGet();
          return;
        }
      } catch (Exception e) {
        // another version's record: try the next codec
      }
    }
    skipped.incrementAndGet(); // a version not served here, or not an online record
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
