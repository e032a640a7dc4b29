package dev.aifactory.ingest.model;

import dev.aifactory.common.deadletter.DeadLetter;

/**
 * What the source emits for each Kafka message: either the {@link Accepted} record or, when it
 * could not be decoded, its {@link Quarantined} record. One type for both so the source can
 * assign event time and watermarks per Kafka partition while bad messages still flow on.
 */
public class Decoded {
  /** Null when the message could not be decoded. */
  public Accepted accepted;
  /** Null when the message decoded. */
  public DeadLetter undecodable;
  /** Set instead of {@link #undecodable} when the message must wait for the schema registry. */
  public Parked parked;

  public Decoded() {}

  public static Decoded accepted(Accepted accepted) {
    Decoded d = new Decoded();
    d.accepted = accepted;
    return d;
  }

  public static Decoded undecodable(DeadLetter undecodable) {
    Decoded d = new Decoded();
    d.undecodable = undecodable;
    return d;
  }

  public static Decoded parked(Parked parked) {
    Decoded d = new Decoded();
    d.parked = parked;
    return d;
  }

  /** Whether this record may advance event time: it decoded and broke no quality rule. */
  public boolean trustedEventTime() {
    return accepted != null && accepted.passedQuality();
  }
}
