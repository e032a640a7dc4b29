package dev.aifactory.features.online;

import java.util.Optional;

/**
 * Point lookups of the newest vector per view version and entity. Writes are ordered per key by
 * {@link StoredVector#supersedes}, so they are idempotent and a replay never moves a vector
 * backwards; a tombstone deletes, and an older write arriving after it does not bring the
 * vector back.
 */
public interface OnlineStore extends AutoCloseable {

  /** Stores {@code vector} under {@code key} unless the stored one is as new; returns whether it did. */
  boolean write(OnlineKey key, StoredVector vector);

  /** The live vector under {@code key}: empty when there is none or it was deleted. */
  Optional<StoredVector> read(OnlineKey key);

  /** Whether the store answers now (Redis: a PING; cheap enough for a readiness probe, not for every read). */
  boolean ready();

  /**
   * Whether a read that finds nothing means the entity has no vector: false while an embedded
   * store is still loading, when a miss may only mean "not loaded yet". Cheap: no I/O.
   */
  default boolean complete() {
    return true;
  }

  @Override
  void close();
}
