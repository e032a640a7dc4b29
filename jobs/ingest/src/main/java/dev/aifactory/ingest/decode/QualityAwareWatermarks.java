package dev.aifactory.ingest.decode;

import dev.aifactory.ingest.model.Decoded;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Bounded out-of-orderness watermarks that only trustworthy records advance, with idleness that
 * only trustworthy records interrupt.
 *
 * <p>A record that broke a quality rule (an event time a century ahead, say) still goes to
 * bronze, but must not push the watermark forward and make every correct record after it late;
 * an undecodable one has no event time at all. Neither may it keep a partition "active": with
 * Flink's own {@code withIdleness}, any record resets the idle timer, so a partition carrying
 * only bad records would never advance its watermark nor be marked idle, and would hold event
 * time back for the whole job. Here a partition is idle once no trusted record came for
 * {@code idleness}, however many untrusted ones did.
 */
public final class QualityAwareWatermarks implements WatermarkGenerator<Decoded> {

  private final BoundedOutOfOrdernessWatermarks<Decoded> delegate;
  private final long idleMillis;
  private final LongSupplier clock;
  private long lastTrustedAt;
  private boolean idle;

  public QualityAwareWatermarks(Duration outOfOrderness, Duration idleness, LongSupplier clock) {
    this.delegate = new BoundedOutOfOrdernessWatermarks<>(outOfOrderness);
    this.idleMillis = idleness.toMillis();
    this.clock = clock;
    this.lastTrustedAt = clock.getAsLong();
  }

  /**
   * The ingest source's strategy: event time from the payload for trusted records; for the others
   * the Kafka timestamp (or the ingest time when the producer set none), so that no operator ever
   * sees a record stamped {@code Long.MIN_VALUE} or a century ahead. Watermarks per Kafka
   * partition when the source applies it.
   */
  public static WatermarkStrategy<Decoded> strategy(Duration outOfOrderness, Duration idleness) {
    return WatermarkStrategy.<Decoded>forGenerator(ctx -> new QualityAwareWatermarks(outOfOrderness, idleness,
            System::currentTimeMillis))
        .withTimestampAssigner((d, kafkaTimestamp) -> timestampOf(d, kafkaTimestamp));
  }

  static long timestampOf(Decoded d, long kafkaTimestamp) {
    if (d.trustedEventTime()) {
      return d.accepted.eventTime;
    }
    if (kafkaTimestamp >= 0) {
      return kafkaTimestamp;
    }
    return d.accepted != null ? d.accepted.ingestTime : d.undecodable.quarantinedAt;
  }

  @Override
  public void onEvent(Decoded event, long eventTimestamp, WatermarkOutput output) {
    if (event.trustedEventTime()) {
      delegate.onEvent(event, eventTimestamp, output);
      lastTrustedAt = clock.getAsLong();
      if (idle) {
        idle = false;
        output.markActive();
      }
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    if (idleMillis > 0 && clock.getAsLong() - lastTrustedAt >= idleMillis) {
      if (!idle) {
        idle = true;
        output.markIdle();
      }
      return;
    }
    delegate.onPeriodicEmit(output);
  }
}
