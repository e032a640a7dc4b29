package dev.aifactory.launcher.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A session cluster's REST API (the endpoints Flink's web UI and CLI use): upload a job jar, run
 * it (optionally from a savepoint), list jobs, stop one with a savepoint. Plain HTTP, so it works
 * against any Flink 2.x session cluster, local or behind a Kubernetes service.
 */
public final class FlinkRestClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A job as the cluster lists it. */
  public record Job(String id, String name, String state) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public FlinkRestClient(String baseUrl) {
    this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  public String baseUrl() {
    return base;
  }

  /**
   * The id of this build of {@code jar} in the cluster's jar store, uploading it only if the
   * store does not hold it yet: the stored name carries the jar's SHA-256, so a new build is
   * uploaded once and every later submit of it (a restart, another job of the same jar) reuses it.
   */
  public String uploadOnce(Path jar) {
    String name = storedName(jar);
    for (JsonNode stored : get("/jars").path("files")) {
      if (name.equals(stored.path("name").asText())) {
        return stored.path("id").asText();
      }
    }
    return uploadJar(jar, name);
  }

  static String storedName(Path jar) {
    try (var in = Files.newInputStream(jar)) {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
      String file = jar.getFileName().toString();
      String stem = file.endsWith(".jar") ? file.substring(0, file.length() - 4) : file;
      return stem + "-" + java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 16) + ".jar";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar, e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The names of the jars in the cluster's jar store, one entry per upload. */
  public List<String> storedJars() {
    List<String> names = new ArrayList<>();
    get("/jars").path("files").forEach(f -> names.add(f.path("name").asText()));
    return names;
  }

  /** Free and total task slots of the cluster. */
  public record Slots(int available, int total, int defaultParallelism) {}

  public Slots slots() {
    JsonNode overview = get("/overview");
    int parallelism = 1;
    for (JsonNode entry : get("/jobmanager/config")) {
      if ("parallelism.default".equals(entry.path("key").asText())) {
        parallelism = Integer.parseInt(entry.path("value").asText("1"));
      }
    }
    return new Slots(overview.path("slots-available").asInt(), overview.path("slots-total").asInt(), parallelism);
  }

  /** Uploads a jar to the cluster's jar store; returns its id for {@link #run}. */
  public String uploadJar(Path jar) {
    return uploadJar(jar, jar.getFileName().toString());
  }

  private String uploadJar(Path jar, String name) {
    String boundary = "factory-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
          + name + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      body.write(Files.readAllBytes(jar));
      body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar, e);
    }
    JsonNode answer = send(HttpRequest.newBuilder(uri("/jars/upload"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    String file = answer.path("filename").asText();
    return file.substring(file.lastIndexOf('/') + 1);
  }

  /** Runs an uploaded jar's main class; returns the job id. */
  public String run(String jarId, String entryClass, int parallelism, List<String> programArgs,
      String savepointPath, boolean allowNonRestoredState) {
    ObjectNode request = JSON.createObjectNode();
    request.put("entryClass", entryClass);
    if (parallelism > 0) {
      request.put("parallelism", parallelism);
    }
    programArgs.forEach(request.putArray("programArgsList")::add);
    if (savepointPath != null) {
      request.put("savepointPath", savepointPath);
      request.put("allowNonRestoredState", allowNonRestoredState);
    }
    return post("/jars/" + jarId + "/run", request).path("jobid").asText();
  }

  public List<Job> jobs() {
    List<Job> jobs = new ArrayList<>();
    for (JsonNode job : get("/jobs/overview").path("jobs")) {
      jobs.add(new Job(job.path("jid").asText(), job.path("name").asText(), job.path("state").asText()));
    }
    return jobs;
  }

  public String state(String jobId) {
    return get("/jobs/" + jobId).path("state").asText();
  }

  /** Waits until the job reaches one of the states, or fails after the timeout. */
  public String awaitState(String jobId, Duration timeout, String... states) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    String state = "";
    while (Instant.now().isBefore(deadline)) {
      state = state(jobId);
      for (String wanted : states) {
        if (wanted.equals(state)) {
          return state;
        }
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("job " + jobId + " is " + state + ", not " + String.join("/", states) + " after " + timeout);
  }

  /** Whether every task of the job is running (a RUNNING job may still be deploying tasks). */
  public boolean allTasksRunning(String jobId) {
    JsonNode job = get("/jobs/" + jobId);
    if (!"RUNNING".equals(job.path("state").asText())) {
      return false;
    }
    for (JsonNode vertex : job.path("vertices")) {
      JsonNode tasks = vertex.path("tasks");
      if (tasks.path("RUNNING").asInt() + tasks.path("FINISHED").asInt() != vertex.path("parallelism").asInt()) {
        return false;
      }
    }
    return true;
  }

  /** The resource ids of the TaskManagers running the job's subtasks. */
  public java.util.Set<String> taskManagersOf(String jobId) {
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
      for (JsonNode subtask : get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText()).path("subtasks")) {
        ids.add(subtask.path("taskmanager-id").asText());
      }
    }
    return ids;
  }

  /**
   * Each metric of a vertex whose id ends with one of {@code suffixes} (operator metrics read
   * {@code <operator>.<metric>}), aggregated over its subtasks with {@code agg} (sum, max, min, avg).
   */
  public Map<String, Double> vertexMetrics(String jobId, String vertexId, List<String> suffixes, String agg) {
    Map<String, Double> out = new LinkedHashMap<>();
    String path = "/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics";
    for (JsonNode metric : get(path)) {
      String id = metric.path("id").asText();
      for (String suffix : suffixes) {
        if (id.endsWith(suffix)) {
          JsonNode value = get(path + "?get=" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&agg=" + agg);
          if (value.size() > 0 && value.get(0).has(agg)) {
            out.put(suffix, value.get(0).path(agg).asDouble());
          }
        }
      }
    }
    return out;
  }

  /** Completed checkpoints and restores of a job, from its checkpoint statistics. */
  public JsonNode checkpoints(String jobId) {
    return get("/jobs/" + jobId + "/checkpoints");
  }

  /**
   * Stops the job with a savepoint (in {@code targetDirectory}, or the cluster's default when
   * null) and returns the savepoint's path. {@code drain} advances event time to the end first,
   * for a final stop rather than an upgrade.
   */
  public String stopWithSavepoint(String jobId, String targetDirectory, boolean drain, Duration timeout)
      throws InterruptedException {
    ObjectNode request = JSON.createObjectNode();
    request.put("drain", drain);
    request.put("formatType", "CANONICAL");
    if (targetDirectory != null) {
      request.put("targetDirectory", targetDirectory);
    }
    String trigger = post("/jobs/" + jobId + "/stop", request).path("request-id").asText();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
      if ("COMPLETED".equals(status.path("status").path("id").asText())) {
        JsonNode operation = status.path("operation");
        if (operation.has("failure-cause")) {
          throw new IllegalStateException("stop with savepoint failed: "
              + operation.path("failure-cause").path("stack-trace").asText().lines().findFirst().orElse(""));
        }
        return operation.path("location").asText();
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("no savepoint for job " + jobId + " within " + timeout);
  }

  public void cancel(String jobId) {
    send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel")).method("PATCH", HttpRequest.BodyPublishers.noBody()));
  }

  public JsonNode get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  private JsonNode post(String path, JsonNode body) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private JsonNode send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = http.send(request.timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException("Flink REST " + response.request().method() + " " + response.request().uri()
            + " answered " + response.statusCode() + ": " + errors(response.body()));
      }
      return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("Flink REST API at " + base + " unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Flink puts a Java stack trace in "errors"; its first lines carry the cause. */
  private static String errors(String body) {
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      StringBuilder out = new StringBuilder();
      errors.forEach(e -> e.asText().lines().filter(l -> l.contains("Exception") || !l.startsWith("\t")).limit(6)
          .forEach(l -> out.append(l.strip()).append(" | ")));
      return out.length() == 0 ? body : out.toString();
    } catch (IOException e) {
      return body;
    }
  }
}
