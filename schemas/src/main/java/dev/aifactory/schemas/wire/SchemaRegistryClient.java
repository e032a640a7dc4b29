package dev.aifactory.schemas.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifactory.schemas.SchemaCatalog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Resolves schema ids against a Confluent-compatible registry ({@code GET /schemas/ids/{id}}),
 * and registers the schemas the factory publishes ({@code POST /subjects/{subject}/versions}).
 *
 * <p>Lookups sit on a decode thread, which must never wait long on the network: a checkpoint
 * barrier queues behind it.
 * <ul>
 *   <li>Found schemas are cached for the life of the client (ids are immutable).</li>
 *   <li>A missing id (404) is remembered for {@code missingTtl}, so a burst of unknown-id
 *       messages does not hammer the registry.</li>
 *   <li>An unreachable or failing registry is remembered for {@code unavailableTtl}: during that
 *       window every lookup of an unknown id fails at once with {@code REGISTRY_UNAVAILABLE},
 *       without a network call. The thread waits at most {@code timeout} × {@code attempts}
 *       per window, not per message.</li>
 * </ul>
 * {@link #shared(String)} gives one client per registry URL per JVM (per job class loader), so
 * every task and sink of a job shares its cache and its view of the registry's health.
 */
public final class SchemaRegistryClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, SchemaRegistryClient> SHARED = new ConcurrentHashMap<>();

  /** Decode-path settings: one attempt of at most a second, then five seconds without trying. */
  public static final Duration DECODE_TIMEOUT = Duration.ofSeconds(1);
  public static final long UNAVAILABLE_TTL_MILLIS = 5_000;

  private final URI baseUrl;
  private final HttpClient http;
  private final Duration timeout;
  private final int attempts;
  private final long missingTtlMillis;
  private final long unavailableTtlMillis;
  private final Map<Integer, WriterSchema> found = new ConcurrentHashMap<>();
  private final Map<Integer, Long> missingUntil = new ConcurrentHashMap<>();
  private volatile long unavailableUntil;
  private volatile String lastFailure = "";

  /** The client of this registry that every decoder and sink of this JVM shares. */
  public static SchemaRegistryClient shared(String baseUrl) {
    return SHARED.computeIfAbsent(baseUrl, url -> new SchemaRegistryClient(url, DECODE_TIMEOUT, 1, 30_000,
        UNAVAILABLE_TTL_MILLIS));
  }

  public SchemaRegistryClient(String baseUrl) {
    this(baseUrl, DECODE_TIMEOUT, 1, 30_000, UNAVAILABLE_TTL_MILLIS);
  }

  public SchemaRegistryClient(String baseUrl, Duration timeout, int attempts, long missingTtlMillis) {
    this(baseUrl, timeout, attempts, missingTtlMillis, UNAVAILABLE_TTL_MILLIS);
  }

  public SchemaRegistryClient(String baseUrl, Duration timeout, int attempts, long missingTtlMillis,
      long unavailableTtlMillis) {
    this.baseUrl = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.timeout = timeout;
    this.attempts = attempts;
    this.missingTtlMillis = missingTtlMillis;
    this.unavailableTtlMillis = unavailableTtlMillis;
  }

  public WriterSchema writerSchema(int id) throws UndecodableException {
    WriterSchema cached = found.get(id);
    if (cached != null) {
      return cached;
    }
    long now = System.currentTimeMillis();
    Long until = missingUntil.get(id);
    if (until != null && until > now) {
      throw unknown(id);
    }
    if (unavailableUntil > now) {
      throw new UndecodableException(UndecodableReason.REGISTRY_UNAVAILABLE, "schema id " + id + ": " + baseUrl
          + " failed within the last " + unavailableTtlMillis + " ms (" + lastFailure + "); not asked again yet");
    }
    WriterSchema fetched;
    try {
      fetched = fetch(id);
    } catch (UndecodableException e) {
      if (e.reason() == UndecodableReason.REGISTRY_UNAVAILABLE) {
        lastFailure = String.valueOf(e.getCause());
        unavailableUntil = System.currentTimeMillis() + unavailableTtlMillis;
      }
      throw e;
    }
    found.put(id, fetched);
    return fetched;
  }

  private WriterSchema fetch(int id) throws UndecodableException {
    HttpRequest request = HttpRequest.newBuilder(baseUrl.resolve("schemas/ids/" + id))
        .timeout(timeout)
        .header("Accept", "application/vnd.schemaregistry.v1+json, application/json")
        .GET()
        .build();
    IOException lastFailure = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
          missingUntil.put(id, System.currentTimeMillis() + missingTtlMillis);
          throw unknown(id);
        }
        if (response.statusCode() / 100 == 2) {
          return parse(id, response.body());
        }
        lastFailure = new IOException("HTTP " + response.statusCode() + " from " + request.uri());
      } catch (IOException e) {
        lastFailure = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UndecodableException(UndecodableReason.REGISTRY_UNAVAILABLE, "interrupted", e);
      }
      if (attempt < attempts) {
        sleepBeforeRetry(attempt);
      }
    }
    throw new UndecodableException(UndecodableReason.REGISTRY_UNAVAILABLE,
        "schema id " + id + " from " + baseUrl + " after " + attempts + " attempts", lastFailure);
  }

  /**
   * Registers {@code schema} under {@code subject} (registering the same schema again returns its
   * id) and returns its id; the job that publishes a topic calls it before it writes.
   */
  public int register(String subject, Schema schema) throws IOException {
    String body = JSON.writeValueAsString(Map.of("schema", schema.toString()));
    HttpRequest request = HttpRequest.newBuilder(baseUrl.resolve("subjects/"
            + java.net.URLEncoder.encode(subject, java.nio.charset.StandardCharsets.UTF_8) + "/versions"))
        .timeout(timeout)
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IOException("registering " + subject + " at " + baseUrl + ": HTTP " + response.statusCode() + " " + response.body());
      }
      return JSON.readTree(response.body()).path("id").asInt();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted registering " + subject, e);
    }
  }

  private static WriterSchema parse(int id, String body) throws UndecodableException {
    try {
      JsonNode node = JSON.readTree(body);
      JsonNode text = node.get("schema");
      if (text == null || !text.isTextual()) {
        throw new UndecodableException(UndecodableReason.UNKNOWN_SCHEMA, "registry answer for id " + id + " has no schema");
      }
      JsonNode type = node.get("schemaType");
      if (type != null && !"AVRO".equals(type.asText())) {
        throw new UndecodableException(UndecodableReason.UNKNOWN_SCHEMA, "schema id " + id + " is " + type.asText() + ", not AVRO");
      }
      Schema schema = new Schema.Parser().parse(text.asText());
      return WriterSchema.of(schema, "registry:" + id, SchemaCatalog.fingerprintOf(schema));
    } catch (IOException | SchemaParseException e) {
      throw new UndecodableException(UndecodableReason.UNKNOWN_SCHEMA, "registry schema id " + id + " does not parse", e);
    }
  }

  private static UndecodableException unknown(int id) {
    return new UndecodableException(UndecodableReason.UNKNOWN_SCHEMA, "the registry has no schema id " + id);
  }

  private static void sleepBeforeRetry(int attempt) {
    try {
      Thread.sleep(100L << Math.min(attempt, 6));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
