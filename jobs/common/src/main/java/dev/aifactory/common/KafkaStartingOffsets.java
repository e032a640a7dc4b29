package dev.aifactory.common;

import java.time.Instant;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Where a job's Kafka source starts when it has no checkpointed offsets (a job restored from a
 * checkpoint or savepoint always resumes from its own): {@code committed} (the group's committed
 * offsets, else the earliest), {@code earliest}, {@code latest}, or {@code timestamp:<ISO-8601
 * instant>} (after a state bootstrap up to that instant).
 */
public final class KafkaStartingOffsets {

  private KafkaStartingOffsets() {}

  public static OffsetsInitializer of(String mode) {
    if (mode.startsWith("timestamp:")) {
      return OffsetsInitializer.timestamp(Instant.parse(mode.substring("timestamp:".length())).toEpochMilli());
    }
    return switch (mode) {
      case "committed" -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      case "earliest" -> OffsetsInitializer.earliest();
      case "latest" -> OffsetsInitializer.latest();
      default -> throw new IllegalArgumentException(
          "starting offsets must be committed, earliest, latest or timestamp:<instant>, not " + mode);
    };
  }
}
