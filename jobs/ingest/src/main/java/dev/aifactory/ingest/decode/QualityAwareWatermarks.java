package dev.aifactory.ingest.decode;

import dev.aifactory.ingest.model.Accepted;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks that only valid records advance. A record that broke a
 * quality rule (an event time a century ahead, say) still goes to bronze with its timestamp,
 * but must not push the watermark forward and make every correct record after it late.
 */
public final class QualityAwareWatermarks implements WatermarkGenerator<Accepted> {

  private final BoundedOutOfOrdernessWatermarks<Accepted> delegate;

  public QualityAwareWatermarks(Duration outOfOrderness) {
    this.delegate = new BoundedOutOfOrdernessWatermarks<>(outOfOrderness);
  }

  @Override
  public void onEvent(Accepted event, long eventTimestamp, WatermarkOutput output) {
    if (event.passedQuality()) {
      delegate.onEvent(event, eventTimestamp, output);
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    delegate.onPeriodicEmit(output);
  }
}
