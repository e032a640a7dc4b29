package dev.aifactory.features.source;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time for feature sources: the event's own time, with bounded out-of-orderness per
 * Kafka partition; unreadable records carry the Kafka timestamp and never move the watermark.
 */
public final class SourceWatermarks {

  private SourceWatermarks() {}

  public static WatermarkStrategy<SourceRecord> strategy(Duration outOfOrderness, Duration idleness) {
    return WatermarkStrategy.<SourceRecord>forGenerator(ctx -> new ReadableOnly(outOfOrderness))
        .withTimestampAssigner((r, kafkaTimestamp) -> r.input != null ? r.input.eventTime : kafkaTimestamp)
        .withIdleness(idleness);
  }

  private static final class ReadableOnly implements WatermarkGenerator<SourceRecord> {
    private final BoundedOutOfOrdernessWatermarks<SourceRecord> delegate;

    ReadableOnly(Duration outOfOrderness) {
      delegate = new BoundedOutOfOrdernessWatermarks<>(outOfOrderness);
    }

    @Override
    public void onEvent(SourceRecord event, long eventTimestamp, WatermarkOutput output) {
      if (event.input != null) {
        delegate.onEvent(event, eventTimestamp, output);
      }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      delegate.onPeriodicEmit(output);
    }
  }
}
