package dev.aifactory.serving.audit;

import java.lang.management.ManagementFactory;

/** The CPU time this JVM used between successive calls, as average cores over the interval. */
final class ProcessCpu {

  /** {@code cores}: CPU seconds per second over {@code [startMillis, now)}. */
  record Interval(long startMillis, double cores) {}

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long startMillis = System.currentTimeMillis();
  private long startNanos = System.nanoTime();
  private long startCpuNanos = os.getProcessCpuTime();

  /** The interval since the last call (or since this was built), and starts the next one. */
  synchronized Interval next() {
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
