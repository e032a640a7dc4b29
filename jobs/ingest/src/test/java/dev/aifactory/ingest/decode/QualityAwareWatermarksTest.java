package dev.aifactory.ingest.decode;

import dev.aifactory.common.deadletter.DeadLetter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.time.TrustedRecordWatermarks;
import dev.aifactory.ingest.model.Accepted;
import dev.aifactory.ingest.model.Decoded;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class QualityAwareWatermarksTest {

  private final List<Long> emitted = new ArrayList<>();
  private final List<String> idleness = new ArrayList<>();
  private final WatermarkOutput output = new WatermarkOutput() {
    @Override
    public void emitWatermark(Watermark watermark) {
      emitted.add(watermark.getTimestamp());
    }

    @Override
    public void markIdle() {
      idleness.add("idle");
    }

    @Override
    public void markActive() {
      idleness.add("active");
    }
  };
  private long now = 1_000_000;

  /** The generator the ingest strategy uses, on a clock the test moves. */
  private TrustedRecordWatermarks<Decoded> watermarks(Duration outOfOrderness) {
    return new TrustedRecordWatermarks<>(outOfOrderness, Duration.ofSeconds(30), Decoded::trustedEventTime, () -> now);
  }

  private static Decoded event(long time, String violatedRule) {
    Accepted a = new Accepted();
    a.eventTime = time;
    a.violatedRule = violatedRule;
    return Decoded.accepted(a);
  }

  @Test
  void validRecordsAdvanceTheWatermarkLessTheOutOfOrderness() {
    TrustedRecordWatermarks<Decoded> watermarks = watermarks(Duration.ofSeconds(5));
    watermarks.onEvent(event(10_000, null), 10_000, output);
    watermarks.onEvent(event(8_000, null), 8_000, output); // out of order: no step back
    watermarks.onPeriodicEmit(output);
    assertThat(emitted).containsExactly(10_000L - 5_000 - 1);
  }

  @Test
  void aRecordThatBrokeARuleDoesNotMoveTheWatermark() {
    TrustedRecordWatermarks<Decoded> watermarks = watermarks(Duration.ofSeconds(5));
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
    TrustedRecordWatermarks<Decoded> watermarks = watermarks(Duration.ofSeconds(5));
    watermarks.onEvent(event(10_000, null), 10_000, output);
    watermarks.onEvent(Decoded.undecodable(new DeadLetter()), 99_000, output);
    watermarks.onPeriodicEmit(output);
    assertThat(emitted).containsExactly(4_999L);
  }

  @Test
  void aPartitionOfOnlyBadRecordsGoesIdleLikeASilentOne() {
    TrustedRecordWatermarks<Decoded> watermarks = watermarks(Duration.ofSeconds(5));
    for (int second = 0; second < 40; second++) {
      now += 1_000;
      watermarks.onEvent(event(Long.MIN_VALUE, "event_time_after_2000"), Long.MIN_VALUE, output);
      watermarks.onEvent(Decoded.undecodable(new DeadLetter()), now, output);
      watermarks.onPeriodicEmit(output);
    }
    assertThat(idleness).containsExactly("idle");
    watermarks.onEvent(event(10_000, null), 10_000, output); // a trusted record wakes it
    watermarks.onPeriodicEmit(output);
    assertThat(idleness).containsExactly("idle", "active");
    assertThat(emitted).last().isEqualTo(4_999L);
  }

  @Test
  void trustedRecordsKeepAPartitionActive() {
    TrustedRecordWatermarks<Decoded> watermarks = watermarks(Duration.ofSeconds(5));
    for (int second = 0; second < 40; second++) {
      now += 1_000;
      watermarks.onEvent(event(second * 1_000L, null), second * 1_000L, output);
      watermarks.onPeriodicEmit(output);
    }
    assertThat(idleness).isEmpty();
  }

  @Test
  void onlyTrustedRecordsAreStampedWithTheirEventTime() {
    var assigner = QualityAwareWatermarks.strategy(Duration.ofSeconds(5), Duration.ofSeconds(30))
        .createTimestampAssigner(null);
    assertThat(assigner.extractTimestamp(event(10_000, null), 77_000)).isEqualTo(10_000);
    // A violator's event time (here Long.MIN_VALUE, which event-time windows refuse) is not trusted.
    assertThat(assigner.extractTimestamp(event(Long.MIN_VALUE, "event_time_after_2000"), 77_000)).isEqualTo(77_000);
    assertThat(assigner.extractTimestamp(Decoded.undecodable(new DeadLetter()), 77_000)).isEqualTo(77_000);
    DeadLetter noKafkaTime = new DeadLetter();
    noKafkaTime.recordedAt = 55_000;
    assertThat(assigner.extractTimestamp(Decoded.undecodable(noKafkaTime), -1)).isEqualTo(55_000);
  }
}
