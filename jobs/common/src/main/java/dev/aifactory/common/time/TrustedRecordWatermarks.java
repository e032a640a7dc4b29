package dev.aifactory.common.time;

import java.io.Serializable;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks that only trusted records advance, with idleness that only
 * trusted records interrupt: the one watermark rule of every job whose source also carries
 * records it rejects (undecodable, or failing its checks).
 *
 * <p>A rejected record must not move event time: its timestamp is the part that cannot be
 * trusted (zero, {@code Long.MIN_VALUE}, a century ahead). Nor may it keep a partition active:
 * with Flink's {@code withIdleness} any record resets the idle timer, so a partition carrying only
 * rejected records (an exporter sending {@code gpu_util_pct=101}, a producer with a broken clock)
 * would neither advance its watermark nor be marked idle, and would hold back event time for the
 * whole job. Here a partition is idle once no trusted record came for {@code idleness}, however
 * many rejected ones did, and active again with the next trusted one.
 */
public final class TrustedRecordWatermarks<T> implements WatermarkGenerator<T> {

  /** Which records may move event time; serializable, since the strategy ships to the tasks. */
  @FunctionalInterface
  public interface Trusted<T> extends Serializable {
    boolean test(T record);
  }

  private final BoundedOutOfOrdernessWatermarks<T> delegate;
  private final Trusted<T> trusted;
  private final long idleMillis;
  private final LongSupplier clock;
  private long lastTrustedAt;
  private boolean idle;

  /** {@code idleness} zero or negative: never idle. {@code clock}: wall-clock millis. */
  public TrustedRecordWatermarks(Duration outOfOrderness, Duration idleness, Trusted<T> trusted, LongSupplier clock) {
    this.delegate = new BoundedOutOfOrdernessWatermarks<>(outOfOrderness);
    this.trusted = trusted;
    this.idleMillis = idleness.toMillis();
    this.clock = clock;
    this.lastTrustedAt = clock.getAsLong();
  }

  @Override
  public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
    if (!trusted.test(event)) {
      return;
    }
    delegate.onEvent(event, eventTimestamp, output);
    lastTrustedAt = clock.getAsLong();
    if (idle) {
      idle = false;
      output.markActive();
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
