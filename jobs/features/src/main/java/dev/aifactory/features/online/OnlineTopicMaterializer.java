package dev.aifactory.features.online;

import dev.aifactory.common.kafka.TopicFollower;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.message.MissingSchemaException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an embedded {@link LocalOnlineStore} equal to the compacted online topic: follows every
 * partition from the beginning (every serving process holds the whole store), and marks the
 * store ready once it has read up to where the topic ended when it started. Records of views it does not serve (another view or version on
 * the same topic) are skipped; a tombstone deletes the entity in every view it serves.
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

  @Override
  public void close() {
    follower.close();
  }
}
