package dev.aifactory.cost.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.cost.model.Rejected;
import dev.aifactory.cost.model.Sample;
import dev.aifactory.cost.model.UsageRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

/** An exporter sending only invalid samples must not hold every cost window back. */
class UsageWatermarksTest {

  private final List<String> signals = new ArrayList<>();
  private final WatermarkOutput output = new WatermarkOutput() {
    @Override
    public void emitWatermark(Watermark watermark) {
      signals.add("wm " + watermark.getTimestamp());
    }

    @Override
    public void markIdle() {
      signals.add("idle");
    }

    @Override
    public void markActive() {
      signals.add("active");
    }
  };
  private long now = 1_000_000;

  @Test
  void aPartitionOfOnlyRejectedSamplesGoesIdleAndAValidSampleWakesIt() {
    var watermarks = UsageWatermarks.generator(Duration.ofSeconds(5), Duration.ofSeconds(30), () -> now);
    UsageRecord invalid = UsageRecord.of(Rejected.of(Rejected.INVALID, "gpu_util_pct=101 outside [0, 100]", "e1", "gpu-0",
        1_767_225_600_000L, Long.MIN_VALUE, now));
    for (int second = 0; second < 31; second++) {
      now += 1_000;
      watermarks.onEvent(invalid, invalid.time(), output);
      watermarks.onPeriodicEmit(output);
    }
    assertThat(signals).contains("idle").allMatch(s -> s.equals("idle") || s.equals("wm " + Long.MIN_VALUE));

    Sample valid = new Sample();
    valid.time = 1_767_225_600_000L;
    watermarks.onEvent(UsageRecord.of(valid), valid.time, output);
    watermarks.onPeriodicEmit(output);
    assertThat(signals).endsWith("active", "wm " + (valid.time - 5_000 - 1));
  }

  @Test
  void theTimestampOfARejectedRecordIsItsKafkaTimestamp() {
    var assigner = UsageWatermarks.strategy(Duration.ofSeconds(5), Duration.ofSeconds(30)).createTimestampAssigner(null);
    UsageRecord invalid = UsageRecord.of(Rejected.of(Rejected.INVALID, "bad", "e1", "gpu-0", Long.MIN_VALUE, Long.MIN_VALUE, 0));
    assertThat(assigner.extractTimestamp(invalid, 77_000L)).isEqualTo(77_000L);
  }
}
