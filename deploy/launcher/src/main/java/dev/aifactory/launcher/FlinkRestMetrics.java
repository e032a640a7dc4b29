package dev.aifactory.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a running job's operator metrics through Flink's REST API (the web UI's own endpoints),
 * so the demo reports what any monitoring would see, not numbers of its own.
 */
final class FlinkRestMetrics {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;

  FlinkRestMetrics(int port) {
    this.base = "http://localhost:" + port;
  }

  /**
   * The maximum over subtasks of each metric of the operator whose name contains
   * {@code vertexName} and whose id ends with one of {@code suffixes}; empty while unknown.
   */
  Map<String, Double> max(String jobId, String vertexName, List<String> suffixes) {
    Map<String, Double> out = new LinkedHashMap<>();
    try {
      String vertex = null;
      for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
        if (v.path("name").asText().contains(vertexName)) {
          vertex = v.path("id").asText();
        }
      }
      if (vertex == null) {
        return out;
      }
      String path = "/jobs/" + jobId + "/vertices/" + vertex + "/subtasks/metrics";
      for (JsonNode m : get(path)) {
        String id = m.path("id").asText();
        for (String suffix : suffixes) {
          if (id.endsWith(suffix)) {
            JsonNode value = get(path + "?get=" + id + "&agg=max");
            if (value.size() > 0 && value.get(0).has("max")) {
              out.put(suffix, value.get(0).path("max").asDouble());
            }
          }
        }
      }
    } catch (Exception e) {
      // The UI may not be up yet, or the job just ended: the progress line shows "-".
    }
    return out;
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }
}
