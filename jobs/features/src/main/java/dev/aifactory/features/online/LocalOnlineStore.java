package dev.aifactory.features.online;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The embedded online store: a map in the serving process, filled from the compacted online
 * topic by {@link OnlineTopicMaterializer}. What {@code ./factory demo} uses, since it needs
 * nothing but Java; production runs Redis ({@link RedisOnlineStore}), shared by every reader.
 * Tombstones stay as markers so that an older write replayed after them cannot revive a vector.
 */
public final class LocalOnlineStore implements OnlineStore {

  private final ConcurrentMap<OnlineKey, StoredVector> vectors = new ConcurrentHashMap<>();
  private volatile boolean ready;

  @Override
  public boolean write(OnlineKey key, StoredVector vector) {
    boolean[] applied = {false};
    vectors.compute(key, (k, current) -> {
      applied[0] = vector.supersedes(current);
      return applied[0] ? vector : current;
    });
    return applied[0];
  }

  @Override
  public Optional<StoredVector> read(OnlineKey key) {
    StoredVector v = vectors.get(key);
    return v == null || v.isTombstone() ? Optional.empty() : Optional.of(v);
  }

  /** Marks the store complete: its feeder has read the topic up to where it ended at start. */
  void markReady() {
    ready = true;
  }

  @Override
  public boolean ready() {
    return ready;
  }

  @Override
  public boolean complete() {
    return ready;
  }

  @Override
  public void close() {
    vectors.clear();
  }
}
