package dev.aifactory.features.source;

import dev.aifactory.common.time.TrustedRecordWatermarks;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time for feature sources: the event's own time, with bounded out-of-orderness per
 * Kafka partition. Unreadable and invalid records carry the Kafka timestamp, never move the
 * watermark and never keep a partition active ({@link TrustedRecordWatermarks}).
 */
public final class SourceWatermarks {

  private SourceWatermarks() {}

  public static WatermarkStrategy<SourceRecord> strategy(Duration outOfOrderness, Duration idleness) {
    return WatermarkStrategy.<SourceRecord>forGenerator(ctx -> new TrustedRecordWatermarks<>(outOfOrderness, idleness,
            r -> r.input != null, System::currentTimeMillis))
        .withTimestampAssigner((r, kafkaTimestamp) -> r.input != null ? r.input.eventTime
            : kafkaTimestamp >= 0 ? kafkaTimestamp : System.currentTimeMillis());
  }
}
