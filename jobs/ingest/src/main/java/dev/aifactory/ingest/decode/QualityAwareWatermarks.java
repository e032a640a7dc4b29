package dev.aifactory.ingest.decode;

import dev.aifactory.common.time.TrustedRecordWatermarks;
import dev.aifactory.ingest.model.Decoded;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The ingest source's watermark strategy: only records that decoded and broke no quality rule
 * move event time or keep a partition active ({@link TrustedRecordWatermarks}). A record that
 * broke a rule still goes to bronze, but its event time (a century ahead, say) must not make
 * every correct record after it late; an undecodable one has no event time at all.
 */
public final class QualityAwareWatermarks {

  private QualityAwareWatermarks() {}

  /**
   * Event time from the payload for trusted records; for the others the Kafka timestamp (or the
   * ingest time when the producer set none), so that no operator ever sees a record stamped
   * {@code Long.MIN_VALUE} or a century ahead. Watermarks per Kafka partition when the source
   * applies it.
   */
  public static WatermarkStrategy<Decoded> strategy(Duration outOfOrderness, Duration idleness) {
    return WatermarkStrategy.<Decoded>forGenerator(ctx -> generator(outOfOrderness, idleness))
        .withTimestampAssigner((d, kafkaTimestamp) -> timestampOf(d, kafkaTimestamp));
  }

  static TrustedRecordWatermarks<Decoded> generator(Duration outOfOrderness, Duration idleness) {
    return new TrustedRecordWatermarks<>(outOfOrderness, idleness, Decoded::trustedEventTime, System::currentTimeMillis);
  }

  static long timestampOf(Decoded d, long kafkaTimestamp) {
    if (d.trustedEventTime()) {
      return d.accepted.eventTime;
    }
    if (kafkaTimestamp >= 0) {
      return kafkaTimestamp;
    }
    if (d.accepted != null) {
      return d.accepted.ingestTime;
    }
    return d.parked != null ? d.parked.parkedAt : d.undecodable.recordedAt;
  }
}
