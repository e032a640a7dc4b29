package dev.aifactory.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/**
 * A small schema registry speaking the subset of the Confluent REST protocol that producers and
 * the factory's decoder use: {@code POST /subjects/{subject}/versions} registers a schema (the
 * same schema text gets the same id) and {@code GET /schemas/ids/{id}} returns it. It lets the
 * local stack and the tests exercise the registry framing over real HTTP.
 */
public final class LocalSchemaRegistry implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Map<Integer, String> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Integer> idsBySchema = new ConcurrentHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger(1);
  private final AtomicInteger lookups = new AtomicInteger();

  private LocalSchemaRegistry(HttpServer server) {
    this.server = server;
  }

  /** Starts on a free port of the loopback interface. */
  public static LocalSchemaRegistry start() {
    return start("127.0.0.1", 0);
  }

  public static LocalSchemaRegistry start(String host, int port) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
      LocalSchemaRegistry registry = new LocalSchemaRegistry(server);
      server.createContext("/", registry::handle);
      server.setExecutor(Executors.newFixedThreadPool(2));
      server.start();
      return registry;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the schema registry on " + host + ":" + port, e);
    }
  }

  public String url() {
    return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
  }

  public int register(Schema schema) {
    String text = schema.toString();
    return idsBySchema.computeIfAbsent(text, t -> {
      int id = nextId.getAndIncrement();
      schemasById.put(id, t);
      return id;
    });
  }

  /** How many id lookups the registry has answered: lets tests prove the client caches. */
  public int lookups() {
    return lookups.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if ("GET".equals(method) && path.startsWith("/schemas/ids/")) {
        lookups.incrementAndGet();
        Integer id = parseId(path.substring("/schemas/ids/".length()));
        String schema = id == null ? null : schemasById.get(id);
        if (schema == null) {
          reply(exchange, 404, Map.of("error_code", 40403, "message", "Schema not found"));
        } else {
          reply(exchange, 200, Map.of("schema", schema));
        }
      } else if ("POST".equals(method) && path.startsWith("/subjects/") && path.endsWith("/versions")) {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        Schema schema = new Schema.Parser().parse(body.get("schema").asText());
        reply(exchange, 200, Map.of("id", register(schema)));
      } else {
        reply(exchange, 404, Map.of("error_code", 404, "message", "no route " + method + " " + path));
      }
    } catch (RuntimeException e) {
      reply(exchange, 422, Map.of("error_code", 42201, "message", String.valueOf(e.getMessage())));
    }
  }

  private static Integer parseId(String text) {
    try {
      return Integer.valueOf(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
