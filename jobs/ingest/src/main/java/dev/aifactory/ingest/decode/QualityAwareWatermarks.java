package dev.aifactory.ingest.decode;

import dev.aifactory.ingest.model.Decoded;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Bounded out-of-orderness watermarks that only trustworthy records advance. A record that broke
 * a quality rule (an event time a century ahead, say) still goes to bronze with its timestamp,
 * but must not push the watermark forward and make every correct record after it late; an
 * undecodable one has no event time at all.
 */
public final class QualityAwareWatermarks implements WatermarkGenerator<Decoded> {

  private final BoundedOutOfOrdernessWatermarks<Decoded> delegate;

  public QualityAwareWatermarks(Duration outOfOrderness) {
    this.delegate = new BoundedOutOfOrdernessWatermarks<>(outOfOrderness);
  }

  /**
   * The ingest source's strategy: event time from the payload (the Kafka timestamp for records
   * without one, which never advance the watermark), watermarks per Kafka partition when the
   * source applies it, and partitions silent for {@code idleness} not holding the rest back.
   */
  public static WatermarkStrategy<Decoded> strategy(Duration outOfOrderness, Duration idleness) {
    return WatermarkStrategy.<Decoded>forGenerator(ctx -> new QualityAwareWatermarks(outOfOrderness))
        .withTimestampAssigner((d, kafkaTimestamp) -> d.accepted != null ? d.accepted.eventTime : kafkaTimestamp)
        .withIdleness(idleness);
  }

  @Override
  public void onEvent(Decoded event, long eventTimestamp, WatermarkOutput output) {
    if (event.trustedEventTime()) {
      delegate.onEvent(event, eventTimestamp, output);
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    delegate.onPeriodicEmit(output);
  }
}
