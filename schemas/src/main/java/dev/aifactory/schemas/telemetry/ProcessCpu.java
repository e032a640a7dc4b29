package dev.aifactory.schemas.telemetry;

import java.lang.management.ManagementFactory;

/**
 * The CPU time this JVM used between successive calls, as average cores over the interval: the
 * one measure of a process's own CPU behind every {@link CpuSample} the factory sends (the
 * serving API's and the demo's). CPU-time deltas count every moment of the interval a sample
 * stands for, where a load reading would describe only the instant it is taken.
 */
public final class ProcessCpu {

  /** {@code cores}: CPU seconds per second over {@code [startMillis, now)}. */
  public record Interval(long startMillis, double cores) {}

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long startMillis = System.currentTimeMillis();
  private long startNanos = System.nanoTime();
  private long startCpuNanos = os.getProcessCpuTime();

  /** The interval since the last call (or since this was built), and starts the next one. */
  public synchronized Interval next() {
    long nowMillis = System.currentTimeMillis();
    long nowNanos = System.nanoTime();
    long cpuNanos = os.getProcessCpuTime();
    double elapsed = nowNanos - startNanos;
    Interval done = new Interval(startMillis, elapsed <= 0 ? 0 : Math.max(0, cpuNanos - startCpuNanos) / elapsed);
    startMillis = nowMillis;
    startNanos = nowNanos;
    startCpuNanos = cpuNanos;
    return done;
  }
}
