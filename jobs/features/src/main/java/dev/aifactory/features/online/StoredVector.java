package dev.aifactory.features.online;

/**
 * One entity's vector as the online store keeps it: the view's online record, in the same
 * single-object Avro encoding as the online topic (so it carries its view, version,
 * {@code valid_from} and {@code emitted_at}), with the two times that order it outside the bytes.
 * A tombstone ({@code avro} null) says the entity expired or was erased.
 */
public record StoredVector(long validFrom, long emittedAtMicros, byte[] avro) {

  public static StoredVector tombstone(long validFrom, long emittedAtMicros) {
    return new StoredVector(validFrom, emittedAtMicros, null);
  }

  public boolean isTombstone() {
    return avro == null;
  }

  /**
   * Whether this vector replaces {@code current}: a later {@code valid_from}, or the same one
   * emitted later (a correction). A replayed write is equal or older and changes nothing, so a
   * replay never moves a vector backwards. RedisOnlineStore applies the same rule in its script.
   */
  public boolean supersedes(StoredVector current) {
    return current == null || validFrom > current.validFrom
        || (validFrom == current.validFrom && emittedAtMicros > current.emittedAtMicros);
  }
}
