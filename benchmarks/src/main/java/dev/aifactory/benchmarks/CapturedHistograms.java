package dev.aifactory.benchmarks;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter for benchmarks that run Flink in this JVM: it keeps every histogram
 * whose name ends with a suffix, so the benchmark reads the job's own metrics (freshness) the way
 * a monitoring system would, not numbers of its own.
 */
public final class CapturedHistograms implements MetricReporter {

  static final Map<String, Histogram> HISTOGRAMS = new ConcurrentHashMap<>();

  /** Configure with {@code metrics.reporter.capture.factory.class} = this class's name. */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new CapturedHistograms();
    }
  }

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    if (metric instanceof Histogram h && name.endsWith("Ms")) {
      HISTOGRAMS.put(group.getMetricIdentifier(name), h);
    }
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
    // Kept: the benchmark reads them after the job ended.
  }
}
