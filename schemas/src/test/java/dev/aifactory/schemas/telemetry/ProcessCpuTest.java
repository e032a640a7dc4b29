package dev.aifactory.schemas.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {

  @Test
  void eachIntervalStartsWhereTheLastEndedAndCountsTheCpuTimeSpentInIt() {
    long built = System.currentTimeMillis();
    ProcessCpu cpu = new ProcessCpu();
    long spinUntil = System.nanoTime() + 200_000_000L;
    double sink = 0;
    while (System.nanoTime() < spinUntil) {
      sink += Math.sqrt(sink + 1);
    }
    ProcessCpu.Interval first = cpu.next();
    long between = System.currentTimeMillis();
    ProcessCpu.Interval second = cpu.next();

    assertThat(sink).isPositive();
    assertThat(first.startMillis()).isBetween(built, between);
    assertThat(first.cores()).as("a busy thread used CPU time in the first interval").isPositive();
    assertThat(second.startMillis()).as("the next interval starts where the first ended")
        .isBetween(first.startMillis(), between);
    assertThat(second.cores()).isNotNegative();
  }
}
