package dev.aifactory.cost.source;

import dev.aifactory.common.time.TrustedRecordWatermarks;
import dev.aifactory.cost.model.UsageRecord;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The usage source's watermark strategy: only usable records move event time or keep a
 * partition active ({@link TrustedRecordWatermarks}). A record that did not decode or broke a
 * rule carries no event time worth trusting and must not make every sample after it late; and an
 * exporter sending only such records (say {@code gpu_util_pct=101}) must not hold every cost
 * window back: its partition goes idle like a silent one.
 */
public final class UsageWatermarks {

  private UsageWatermarks() {}

  /** Rejected records are stamped with their Kafka timestamp: no operator sees their own time. */
  public static WatermarkStrategy<UsageRecord> strategy(Duration outOfOrderness, Duration idleness) {
    return WatermarkStrategy.<UsageRecord>forGenerator(
            context -> generator(outOfOrderness, idleness, System::currentTimeMillis))
        .withTimestampAssigner((r, kafkaTime) -> r.rejected == null ? r.time()
            : kafkaTime >= 0 ? kafkaTime : System.currentTimeMillis());
  }

  static TrustedRecordWatermarks<UsageRecord> generator(Duration outOfOrderness, Duration idleness, LongSupplier clock) {
    return new TrustedRecordWatermarks<>(outOfOrderness, idleness, r -> r.rejected == null, clock);
  }
}
