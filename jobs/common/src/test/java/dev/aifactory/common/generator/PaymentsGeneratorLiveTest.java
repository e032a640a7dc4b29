package dev.aifactory.common.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code factory generate --live}: payments happen now, so the jobs can be timed from creation. */
class PaymentsGeneratorLiveTest {

  @Test
  void livePaymentsAreStampedWithTheWallClockAndNeverInTheFuture() {
    long before = System.currentTimeMillis();
    List<GeneratedMessage> messages = new PaymentsGenerator(GeneratorSettings.defaults().withSeed(3), "raw.transactions",
        "raw.labels").live().take(2_000);
    long after = System.currentTimeMillis();
    List<GeneratedMessage> onTime = messages.stream().filter(m -> m.kind() == GeneratedMessage.Kind.TRANSACTION).toList();
    assertThat(onTime).hasSizeGreaterThan(1_000);
    // Event times are unique and increasing (at least 1 ms apart), so generating faster than one
    // payment per millisecond runs a little ahead of the wall clock; fraud bursts add milliseconds.
    // All within the ingest job's event_time_not_future tolerance (5 min).
    assertThat(onTime).allSatisfy(m -> assertThat(m.timestamp()).isBetween(before, after + 5_000));
    // Labels come within a minute of their payment (a late payment's label is late too).
    assertThat(messages.stream().filter(m -> m.kind() == GeneratedMessage.Kind.LABEL)).isNotEmpty()
        .allSatisfy(m -> assertThat(m.timestamp()).isLessThanOrEqualTo(after + 65_000));
    assertThat(messages.stream().filter(m -> m.kind() == GeneratedMessage.Kind.LATE))
        .allSatisfy(m -> assertThat(m.timestamp()).isLessThan(before));
  }

  @Test
  void withoutLiveTheSyntheticClockStartsAtTheConfiguredTime() {
    List<GeneratedMessage> messages = new PaymentsGenerator(GeneratorSettings.defaults(), "raw.transactions", null).take(100);
    assertThat(messages.stream().filter(m -> m.kind() == GeneratedMessage.Kind.TRANSACTION))
        .allSatisfy(m -> assertThat(m.timestamp()).isLessThan(GeneratorSettings.defaults().startMillis() + 86_400_000L));
  }
}
