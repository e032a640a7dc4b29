package dev.aifactory.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifactory.launcher.cluster.FlinkRestClient;
import java.util.List;
import java.util.Map;

/**
 * Reads a running job's operator metrics through Flink's REST API (the web UI's own endpoints),
 * so the demo reports what any monitoring would see, not numbers of its own.
 */
final class FlinkRestMetrics {

  private final FlinkRestClient rest;

  FlinkRestMetrics(int port) {
    this.rest = new FlinkRestClient("http://localhost:" + port);
  }

  /**
   * The maximum over subtasks of each metric of the operator whose name contains
   * {@code vertexName} and whose id ends with one of {@code suffixes}; empty while unknown.
   */
  Map<String, Double> max(String jobId, String vertexName, List<String> suffixes) {
    try {
      for (JsonNode v : rest.get("/jobs/" + jobId).path("vertices")) {
        if (v.path("name").asText().contains(vertexName)) {
          return rest.vertexMetrics(jobId, v.path("id").asText(), suffixes, "max");
        }
      }
    } catch (RuntimeException e) {
      // The UI may not be up yet, or the job just ended: the progress line shows "-".
    }
    return Map.of();
  }
}
