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

  /** Whether reads are answered from a complete store (an embedded one is not until it caught up). */
  boolean ready();

  @Override
  void close();
}
