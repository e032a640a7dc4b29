package dev.aifactory.ingest.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.ingest.model.Accepted;
import dev.aifactory.ingest.model.Decoded;
import dev.aifactory.ingest.model.Quarantined;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class QualityAwareWatermarksTest {

  private final List<Long> emitted = new ArrayList<>();
  private final WatermarkOutput output = new WatermarkOutput() {
    @Override
    public void emitWatermark(Watermark watermark) {
      emitted.add(watermark.getTimestamp());
    }

    @Override
    public void markIdle() {}

    @Override
    public void markActive() {}
  };

  private static Decoded event(long time, String violatedRule) {
    Accepted a = new Accepted();
    a.eventTime = time;
    a.violatedRule = violatedRule;
    return Decoded.accepted(a);
  }

  @Test
  void validRecordsAdvanceTheWatermarkLessTheOutOfOrderness() {
    QualityAwareWatermarks watermarks = new QualityAwareWatermarks(Duration.ofSeconds(5));
    watermarks.onEvent(event(10_000, null), 10_000, output);
    watermarks.onEvent(event(8_000, null), 8_000, output); // out of order: no step back
    watermarks.onPeriodicEmit(output);
    assertThat(emitted).containsExactly(10_000L - 5_000 - 1);
  }

  @Test
  void aRecordThatBrokeARuleDoesNotMoveTheWatermark() {
    QualityAwareWatermarks watermarks = new QualityAwareWatermarks(Duration.ofSeconds(5));
    watermarks.onEvent(event(10_000, null), 10_000, output);
    long centuryAhead = 10_000 + 100L * 365 * 24 * 3600 * 1000;
    watermarks.onEvent(event(centuryAhead, "event_time_not_future"), centuryAhead, output);
    watermarks.onPeriodicEmit(output);
    watermarks.onEvent(event(12_000, null), 12_000, output);
    watermarks.onPeriodicEmit(output);
    assertThat(emitted).containsExactly(4_999L, 6_999L);
  }

  @Test
  void anUndecodableRecordDoesNotMoveTheWatermark() {
    QualityAwareWatermarks watermarks = new QualityAwareWatermarks(Duration.ofSeconds(5));
    watermarks.onEvent(event(10_000, null), 10_000, output);
    watermarks.onEvent(Decoded.undecodable(new Quarantined()), 99_000, output);
    watermarks.onPeriodicEmit(output);
    assertThat(emitted).containsExactly(4_999L);
  }

  @Test
  void theStrategyTakesEventTimeFromThePayloadAndTheKafkaTimestampOnlyForUndecodableRecords() {
    var assigner = QualityAwareWatermarks.strategy(Duration.ofSeconds(5), Duration.ofSeconds(30))
        .createTimestampAssigner(null);
    assertThat(assigner.extractTimestamp(event(10_000, null), 77_000)).isEqualTo(10_000);
    assertThat(assigner.extractTimestamp(event(10_000, "amount_positive"), 77_000)).isEqualTo(10_000);
    assertThat(assigner.extractTimestamp(Decoded.undecodable(new Quarantined()), 77_000)).isEqualTo(77_000);
  }
}
