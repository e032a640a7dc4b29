package dev.aifactory.cost.source;

import dev.aifactory.cost.model.UsageRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Bounded out-of-orderness over the times of usable records only: a record that did not decode
 * or broke a rule carries no event time worth trusting (the Kafka timestamp is wall-clock), and
 * must not move event time and make every sample after it late.
 */
public final class UsageWatermarks implements WatermarkGenerator<UsageRecord> {

  private final long outOfOrdernessMs;
  private long maxSeen = Long.MIN_VALUE;

  UsageWatermarks(Duration outOfOrderness) {
    this.outOfOrdernessMs = outOfOrderness.toMillis();
  }

  public static WatermarkStrategy<UsageRecord> strategy(Duration outOfOrderness, Duration idleness) {
    return WatermarkStrategy.<UsageRecord>forGenerator(context -> new UsageWatermarks(outOfOrderness))
        .withTimestampAssigner((r, kafkaTime) -> r.time())
        .withIdleness(idleness);
  }

  @Override
  public void onEvent(UsageRecord record, long timestamp, WatermarkOutput output) {
    if (record.rejected == null) {
      maxSeen = Math.max(maxSeen, timestamp);
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    if (maxSeen != Long.MIN_VALUE) {
      output.emitWatermark(new Watermark(maxSeen - outOfOrdernessMs - 1));
    }
  }
}
