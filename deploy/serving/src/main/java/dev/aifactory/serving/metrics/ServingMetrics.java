package dev.aifactory.serving.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The serving API's Prometheus metrics, in a registry of its own (several services in one JVM,
 * as in tests, do not mix): request latency by route and outcome, requests by tenant, route and
 * outcome, and fallback decisions by reason.
 */
public final class ServingMetrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Histogram latency = Histogram.builder()
      .name("serving_request_duration_seconds")
      .help("Time from a request's arrival to its response, by route and outcome")
      .labelNames("route", "outcome")
      .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
      .register(registry);
  private final Counter requests = Counter.builder()
      .name("serving_requests_total")
      .help("Requests by tenant (anonymous before authentication), route and outcome")
      .labelNames("tenant", "route", "outcome")
      .register(registry);
  private final Counter fallbacks = Counter.builder()
      .name("serving_fallback_decisions_total")
      .help("Payments decided by the declared fallback instead of the model, by reason")
      .labelNames("reason")
      .register(registry);

  public void request(String tenant, String route, String outcome, long nanos) {
    latency.labelValues(route, outcome).observe(nanos / 1e9);
    requests.labelValues(tenant, route, outcome).inc();
  }

  public void fallback(String reason) {
    fallbacks.labelValues(reason).inc();
  }

  /** The text exposition format, for {@code GET /metrics}. */
  public byte[] scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toByteArray();
  }

  public static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
