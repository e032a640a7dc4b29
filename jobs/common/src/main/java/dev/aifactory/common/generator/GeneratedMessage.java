package dev.aifactory.common.generator;

/**
 * One Kafka message the generator wants sent, and what it is, so tests and the demo can count
 * what must come out where.
 */
public record GeneratedMessage(String topic, byte[] key, byte[] value, long timestamp, Kind kind, String eventId) {

  public enum Kind {
    /** A good transaction, first delivery. */
    TRANSACTION,
    /** The same transaction again (same event id, same bytes): a producer retry. */
    DUPLICATE,
    /** A good transaction whose event time is far behind the stream. */
    LATE,
    /** A message that decodes but breaks a quality rule. */
    RULE_VIOLATION,
    /** A message that cannot be decoded at all. */
    UNDECODABLE,
    /** A fraud or genuine label for an earlier transaction. */
    LABEL
  }
}
