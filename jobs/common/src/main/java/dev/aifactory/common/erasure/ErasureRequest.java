package dev.aifactory.common.erasure;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * One subject to erase: its raw identifier (as bronze and quarantine hold it) and every token
 * it has had under any key of the keyring (as silver, gold and the topics hold it).
 */
public record ErasureRequest(String raw, List<String> tokens) {

  /** Columns that name a subject: the raw contract field, and the entity columns downstream. */
  public static final Set<String> SUBJECT_COLUMNS = Set.of("card_id", "entity", "entity_id");
  /** Columns that hold a whole message as written (quarantine): searched for the raw value's bytes. */
  public static final Set<String> MESSAGE_COLUMNS = Set.of("payload", "key");

  public Set<String> identifiers() {
    java.util.Set<String> all = new java.util.LinkedHashSet<>(tokens);
    all.add(raw);
    return all;
  }

  byte[] rawBytes() {
    return raw.getBytes(StandardCharsets.UTF_8);
  }
}
