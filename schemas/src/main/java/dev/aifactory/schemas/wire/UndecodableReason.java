package dev.aifactory.schemas.wire;

/** Why a message could not be turned into a record. Stored with every quarantined message. */
public enum UndecodableReason {
  /** Zero bytes: a tombstone or a producer bug. */
  EMPTY_PAYLOAD,
  /** Fewer bytes than the framing header needs. */
  TRUNCATED_HEADER,
  /** The first bytes match no framing this decoder knows. */
  UNKNOWN_WIRE_FORMAT,
  /** The fingerprint or registry id names no schema we can find. */
  UNKNOWN_SCHEMA,
  /** The schema registry did not answer; the message may decode once it does. */
  REGISTRY_UNAVAILABLE,
  /** The Avro body does not parse with its writer schema (truncated, bit flips, trailing bytes). */
  CORRUPT_PAYLOAD,
  /** The writer schema cannot be read as the contract: a type changed incompatibly. */
  INCOMPATIBLE_SCHEMA,
  /** The writer schema lacks a field the contract requires and has no default for. */
  MISSING_REQUIRED_FIELD,
  /** The message is larger than the configured payload cap; it was not decoded. */
  PAYLOAD_TOO_LARGE,
  /** A string, bytes field or collection declares more than the cap allows (a length bomb). */
  LENGTH_LIMIT_EXCEEDED,
  /** The body nests deeper than the decoder's stack can follow (a recursive writer schema). */
  NESTING_TOO_DEEP
}
