package dev.aifactory.launcher.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A SQL Gateway session over its REST API ({@code /v1/sessions}, statements, paged results): what
 * {@code factory sql} and the deploy/sql applier use, and what any HTTP client downstream can do.
 */
public final class SqlGatewayClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A statement's result: column names and rows (JSON values), in order. */
  public record Result(List<String> columns, List<List<JsonNode>> rows) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String session;

  /** Opens a session with these session properties (for example execution.runtime-mode). */
  public SqlGatewayClient(String baseUrl, Map<String, String> properties) {
    this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    ObjectNode body = JSON.createObjectNode();
    body.put("sessionName", "factory");
    ObjectNode props = body.putObject("properties");
    properties.forEach(props::put);
    this.session = send("POST", "/v1/sessions", body).path("sessionHandle").asText();
  }

  public String session() {
    return session;
  }

  /** Runs one statement and reads its whole result (DDL answers one "OK" row). */
  public Result execute(String statement, Duration timeout) throws InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("statement", statement);
    String operation = send("POST", "/v1/sessions/" + session + "/statements", body).path("operationHandle").asText();
    List<String> columns = new ArrayList<>();
    List<List<JsonNode>> rows = new ArrayList<>();
    String next = "/v1/sessions/" + session + "/operations/" + operation + "/result/0?rowFormat=JSON";
    Instant deadline = Instant.now().plus(timeout);
    while (next != null) {
      if (Instant.now().isAfter(deadline)) {
        send("DELETE", "/v1/sessions/" + session + "/operations/" + operation + "/close", null);
        throw new IllegalStateException("statement did not finish within " + timeout + ": " + statement);
      }
      JsonNode page = send("GET", next, null);
      String type = page.path("resultType").asText();
      if ("NOT_READY".equals(type)) {
        Thread.sleep(100);
      } else {
        JsonNode results = page.path("results");
        if (columns.isEmpty()) {
          results.path("columns").forEach(c -> columns.add(c.path("name").asText()));
        }
        for (JsonNode row : results.path("data")) {
          List<JsonNode> fields = new ArrayList<>();
          row.path("fields").forEach(fields::add);
          rows.add(fields);
        }
      }
      next = "EOS".equals(type) ? null : page.path("nextResultUri").asText(null);
    }
    return new Result(columns, rows);
  }

  @Override
  public void close() {
    try {
      send("DELETE", "/v1/sessions/" + session, null);
    } catch (RuntimeException e) {
      // the gateway may be gone already; the session dies with it
    }
  }

  private JsonNode send(String method, String path, JsonNode body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new SqlGatewayException(cause(response.body()));
      }
      return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("SQL Gateway at " + base + " unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The innermost "Caused by" of the gateway's error: the line a user can act on. */
  private static String cause(String body) {
    try {
      String last = null;
      for (JsonNode error : JSON.readTree(body).path("errors")) {
        List<String> lines = error.asText().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i);
          if (line.startsWith("<Exception on server side:") && i + 1 < lines.size()) {
            last = lines.get(i + 1); // what the server threw, past its generic "Internal server error."
          } else if (line.startsWith("Caused by: ") || last == null && !line.isBlank() && !line.startsWith("\t")) {
            last = line.replaceFirst("^Caused by: ", "");
          }
        }
      }
      return last == null ? body : last;
    } catch (IOException e) {
      return body;
    }
  }

  /** A statement or request the gateway refused, with its cause. */
  public static final class SqlGatewayException extends RuntimeException {
    public SqlGatewayException(String message) {
      super(message);
    }
  }
}
