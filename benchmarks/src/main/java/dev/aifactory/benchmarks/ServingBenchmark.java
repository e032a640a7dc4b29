package dev.aifactory.benchmarks;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.definition.ViewClassification;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.online.OnlineCodec;
import dev.aifactory.features.online.OnlineKey;
import dev.aifactory.features.online.RedisOnlineStore;
import dev.aifactory.features.online.RedisSettings;
import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.localstack.LocalRedis;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.registry.DataUse;
import dev.aifactory.models.registry.ModelRegistry;
import dev.aifactory.schemas.tokens.Keyring;
import dev.aifactory.schemas.tokens.Tokenizer;
import dev.aifactory.serving.ServingService;
import dev.aifactory.serving.tenant.Tenants;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The serving API under a fixed request rate, end to end over loopback HTTP: one card's features
 * ({@code GET /v1/features}) and a whole decision ({@code POST /v1/score}), on Redis and on the
 * embedded store, against the floor of a direct Redis read and decode in the same process. Each
 * request has a due time, and its latency runs from that time to its response, so a stall delays
 * every request behind it (no coordinated omission); a fixed set of client connections sends
 * them. Client, service, Kafka and Redis share the machine. Writes {@code serving.json} and {@code serving.png};
 * exits 1 when a goal is missed.
 */
public final class ServingBenchmark {

  static final String PLOT_TITLE = "Serving API p99 latency, ms, log scale (lower is better)";
  /** Client threads, one keep-alive connection each. */
  static final int CLIENT_THREADS = 16;

  public static void main(String[] args) throws Exception {
    Map<String, String> options = BenchmarkReport.args(args);
    if (Boolean.parseBoolean(options.getOrDefault("replot", "false"))) {
      replot(Path.of(options.getOrDefault("out", "results")));
      return;
    }
    // One kept-alive connection per client thread (the JDK keeps 5 per host by default).
    System.setProperty("http.maxConnections", Integer.toString(CLIENT_THREADS * 2));
    int cards = Integer.parseInt(options.getOrDefault("cards", "100000"));
    int seconds = Integer.parseInt(options.getOrDefault("seconds", "30"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup-seconds", "10"));
    List<Integer> ramp = Arrays.stream(options.getOrDefault("ramp", "1000,2000,3000,4000,5000,6000").split(","))
        .map(Integer::parseInt).toList();
    Path dir = Files.createTempDirectory("serving-bench");
    FeatureView view = FeatureViews.load("card_activity");

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "serving");
    json.put("measured_at", Instant.now().toString());
    Map<String, Object> latency = new LinkedHashMap<>();
    Map<String, Double> bars = new LinkedHashMap<>();
    Map<String, Boolean> goals = new LinkedHashMap<>();
    try (LocalKafka kafka = LocalKafka.start(); LocalRedis redis = LocalRedis.start(dir.resolve("redis"))) {
      kafka.createTopics(4, Map.of("cleanup.policy", "compact"), "features.card_id");
      kafka.createTopics(1, "models.control");
      kafka.createTopics(2, "serving.decisions");
      Path keyring = dir.resolve("keyring");
      Tokenizer tokens = new Tokenizer(Keyring.create(keyring));
      String key = "bench-" + System.nanoTime();
      Path tenants = dir.resolve("tenants.yaml");
      writeTenants(tenants, key, 1_000_000);
      ModelVersion model = ScoringBenchmark.trainModel(dir, view);
      ModelRegistry registry = ModelRegistry.open(IcebergCatalogs.local(dir.resolve("warehouse")).loadCatalog());
      registry.register(model, null, new DataUse("fraud_detection", ViewClassification.classesByField(view)));
      registry.promote(model.name(), model.version(), ModelStage.CHAMPION);

      System.out.printf("writing %,d card vectors to Redis and to the online topic...%n", cards);
      long redisBefore = redisUsedMemory(redis);
      List<String> tokenOf = fill(kafka, redis, view, tokens, cards);
      Map<String, Object> memory = new LinkedHashMap<>();
      memory.put("redis", Math.round((redisUsedMemory(redis) - redisBefore) * (1e6 / cards)));

      // The store read alone, paced like the API's load.
      System.out.println("direct store reads at 1,000/s...");
      Map<String, Object> storeRead;
      try (RedisOnlineStore store = new RedisOnlineStore(new RedisSettings(redis.uri(), null, Duration.ofSeconds(2), Duration.ofDays(7)))) {
        ThreadLocal<OnlineCodec> codecs = ThreadLocal.withInitial(() -> new OnlineCodec(view));
        Random r = new Random(2);
        storeRead = load(i -> {
          String token;
          synchronized (r) {
            token = tokenOf.get(r.nextInt(tokenOf.size()));
          }
          try {
            codecs.get().decode(store.read(OnlineKey.of(view, token)).orElseThrow().avro());
            return 200;
          } catch (Exception e) {
            return -1;
          }
        }, 1_000, seconds, warmup);
      }
      latency.put("store_read_redis", Map.of("1000", storeRead));
      bars.put(bar("store_read_redis", 1_000), p99(storeRead));

      JobConfig common = JobConfig.load("serving-defaults.properties", "--kafka.bootstrap.servers", kafka.bootstrapServers(),
          "--iceberg.catalog.warehouse", dir.resolve("warehouse").toString(), "--serving.port", "0",
          "--serving.tenants.file", tenants.toString(), "--governance.tokens.keyring", keyring.toString(),
          "--serving.tenants.reload-interval", "500ms");
      Random random = new Random(3);
      IntFunction<String> card = i -> {
        synchronized (random) {
          return String.format("card-%06d", random.nextInt(cards));
        }
      };
      IntFunction<Call> features = i -> new Call("GET", "/v1/features/" + view.name() + "/" + card.apply(i), null);
      IntFunction<Call> score = i -> new Call("POST", "/v1/score", "{\"event_id\":\"b-" + i + "\",\"card_id\":\"" + card.apply(i)
          + "\",\"amount\":" + (1 + i % 500) + ",\"currency\":\"EUR\"}");

      Map<String, Object> scoreP99 = new LinkedHashMap<>();
      Map<String, Object> featureRead = new LinkedHashMap<>();
      featureRead.put("store", p99(storeRead));
      int maxRate = 0;
      try (ServingService service = ServingService.start(common.with("online.store", "redis").with("online.redis.uri", redis.uri()))) {
        String base = "http://127.0.0.1:" + service.port();
        awaitReady(base);
        Map<String, Object> m = measure(base, key, "features", "redis", features, 1_000, seconds, warmup, latency, bars);
        featureRead.put("http", p99(m));
        for (int rate : List.of(1_000, 5_000)) {
          scoreP99.put(Integer.toString(rate), p99(measure(base, key, "score", "redis", score, rate, seconds, warmup, latency, bars)));
        }
        // The highest rate held: p99 <= 10 ms and every request answered 200.
        Map<String, Object> steps = new LinkedHashMap<>();
        for (int rate : ramp) {
          System.out.printf("ramp: score at %,d/s...%n", rate);
          Map<String, Object> step = load(i -> send(base, key, score.apply(i)), rate, Math.max(10, seconds / 2), 5);
          steps.put(Integer.toString(rate), step);
          System.out.println("  " + step);
          if (p99(step) > 10 || ((Number) step.get("errors")).longValue() > 0) {
            break;
          }
          maxRate = rate;
        }
        json.put("ramp", steps);
        // Twice that, with the tenant's quota at that rate: the excess is refused at once.
        int over = 2 * Math.max(maxRate, ramp.get(0));
        writeTenants(tenants, key, Math.max(maxRate, ramp.get(0)));
        Thread.sleep(1_500);
        System.out.printf("overload: score at %,d/s with a quota of %,d/s...%n", over, Math.max(maxRate, ramp.get(0)));
        Map<String, Object> overload = load(i -> send(base, key, score.apply(i)), over, Math.max(10, seconds / 2), 5);
        boolean stillReady = send(base, null, new Call("GET", "/health/ready", null)) == 200;
        overload.put("quota_per_second", Math.max(maxRate, ramp.get(0)));
        overload.put("ready_after", stillReady);
        boolean held = stillReady && ((Number) overload.get("failed")).longValue() == 0 && p99(overload) <= 1_000;
        overload.put("held", held);
        System.out.println("  " + overload);
        json.put("overload", overload);
        goals.put("overload: only 429s, latency bounded, still ready", held);
        writeTenants(tenants, key, 1_000_000);
        Thread.sleep(1_500);
      }

      // The embedded store: its heap per million cards, and the same two routes.
      System.gc();
      long heapBefore = usedHeap();
      try (ServingService service = ServingService.start(common.with("online.store", "topic"))) {
        String base = "http://127.0.0.1:" + service.port();
        awaitReady(base);
        System.gc();
        memory.put("embedded_heap", Math.round((usedHeap() - heapBefore) * (1e6 / cards)));
        measure(base, key, "features", "embedded", features, 1_000, seconds, warmup, latency, bars);
        measure(base, key, "score", "embedded", score, 1_000, seconds, warmup, latency, bars);
      }

      json.put("feature_read_p99_ms", featureRead);
      json.put("score_p99_ms", scoreP99);
      json.put("max_rate_at_p99_10ms", maxRate);
      json.put("bytes_per_million_entities", memory);
      carrySqlFigures(Path.of(options.getOrDefault("out", "results")), json);
      goals.put("store read p99 <= 1 ms at 1,000/s", ((Number) featureRead.get("store")).doubleValue() <= 1);
      goals.put("feature read over HTTP p99 <= 2 ms at 1,000/s", ((Number) featureRead.get("http")).doubleValue() <= 2);
      goals.put("score p99 <= 5 ms at 1,000/s", ((Number) scoreP99.get("1000")).doubleValue() <= 5);
      goals.put("score p99 <= 10 ms at 5,000/s", ((Number) scoreP99.get("5000")).doubleValue() <= 10);
    }
    json.put("latency_ms", latency);
    json.put("goals", goals);
    json.put("parameters", Map.of("cards", cards, "seconds_per_run", seconds, "warmup_seconds", warmup, "ramp", ramp,
        "load", "request i due at i/rate, sent by the next free of " + CLIENT_THREADS + " client threads (HttpURLConnection,"
            + " HTTP/1.1 keep-alive), latency from the due time to the response (no coordinated omission); card chosen"
            + " uniformly at random per request",
        "model", "card_activity logistic regression (ONNX), the registry's champion",
        "stores", "redis: Debian redis-server on loopback, online.store=redis (the production store, used for the goals);"
            + " embedded: the compacted topic materialized in the service",
        "memory", "redis: INFO used_memory after the fill less before; embedded_heap: used heap after the store caught up"
            + " less before the service started, both after a GC, scaled to a million cards"));
    BenchmarkReport.save(Path.of(options.getOrDefault("out", "results")), "serving", json, PLOT_TITLE, bars, true);
    boolean met = goals.values().stream().allMatch(Boolean::booleanValue);
    goals.forEach((goal, ok) -> System.out.printf("goal %-55s %s%n", goal, ok ? "met" : "MISSED"));
    System.exit(met ? 0 : 1);
  }

  /** The SQL figures SqlLatestBenchmark added to the previous serving.json, kept: this run does not measure them. */
  @SuppressWarnings("unchecked")
  static void carrySqlFigures(Path out, Map<String, Object> json) throws java.io.IOException {
    Path previous = out.resolve("serving.json");
    Map<String, Object> old = Files.exists(previous)
        ? new com.fasterxml.jackson.databind.ObjectMapper().readValue(previous.toFile(), LinkedHashMap.class) : Map.of();
    for (String key : List.of("sql_latest_one_card_ms", "sql_latest_count_ms", "sql_history_ranking_one_card_ms",
        "sql_history_ranking_count_ms", "sql_latest")) {
      json.put(key, old.get(key));
    }
  }

  /** One route at one rate on a running service, with the service's own latency shares; recorded in {@code latency} and {@code bars}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> measure(String base, String key, String route, String store, IntFunction<Call> calls,
      int rate, int seconds, int warmup, Map<String, Object> latency, Map<String, Double> bars) throws Exception {
    String variant = route + "_" + store;
    System.out.printf("%s at %,d requests/s for %d s (+%d s warm-up)...%n", variant, rate, seconds, warmup);
    Map<String, Double> serverBefore = serverBuckets(base, route);
    Map<String, Object> m = load(i -> send(base, key, calls.apply(i)), rate, seconds, warmup);
    m.put("server_side", serverShares(serverBefore, serverBuckets(base, route)));
    System.out.println("  " + m);
    ((Map<String, Object>) latency.computeIfAbsent(variant, k -> new LinkedHashMap<String, Object>())).put(Integer.toString(rate), m);
    bars.put(bar(variant, rate), p99(m));
    return m;
  }

  static double p99(Map<String, Object> m) {
    return ((Number) m.get("p99")).doubleValue();
  }

  static void writeTenants(Path file, String key, int ratePerSecond) throws java.io.IOException {
    Files.writeString(file, "tenants:\n  - {id: bench, pool: public, rate_per_second: " + ratePerSecond + ", key_sha256: ["
        + Tenants.sha256(key) + "]}\npools: {public: 512, internal: 16}\n");
  }

  static long redisUsedMemory(LocalRedis server) {
    try (redis.clients.jedis.RedisClient client = redis.clients.jedis.RedisClient.create("127.0.0.1", server.port())) {
      for (String line : client.info("memory").split("\r?\n")) {
        if (line.startsWith("used_memory:")) {
          return Long.parseLong(line.substring("used_memory:".length()).trim());
        }
      }
    }
    throw new IllegalStateException("no used_memory in Redis INFO");
  }

  static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  static String bar(String variant, int rate) {
    String[] parts = variant.split("_");
    String what = switch (parts[0]) {
      case "score" -> "POST /v1/score";
      case "features" -> "GET /v1/features";
      default -> "store read (direct)";
    };
    return what + ", " + parts[parts.length - 1] + ", " + rate + "/s";
  }

  /** Redraws the plot from the committed JSON. */
  @SuppressWarnings("unchecked")
  static void replot(Path dir) throws Exception {
    Map<String, Object> json = new com.fasterxml.jackson.databind.ObjectMapper().readValue(dir.resolve("serving.json").toFile(),
        LinkedHashMap.class);
    Map<String, Double> bars = new LinkedHashMap<>();
    ((Map<String, Map<String, Map<String, Object>>>) json.get("latency_ms")).forEach((variant, byRate) ->
        byRate.forEach((rate, m) -> bars.put(bar(variant, Integer.parseInt(rate)), ((Number) m.get("p99")).doubleValue())));
    BenchmarkReport.save(dir, "serving", json, PLOT_TITLE, bars, true);
  }

  /** Every card's vector in Redis and on the online topic, as the features job writes them; returns the tokens by card index. */
  static List<String> fill(LocalKafka kafka, LocalRedis redis, FeatureView view, Tokenizer tokens, int cards) {
    OnlineCodec codec = new OnlineCodec(view);
    Random random = new Random(1);
    List<String> out = new ArrayList<>(cards);
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("linger.ms", "20");
    long now = System.currentTimeMillis();
    try (RedisOnlineStore store = new RedisOnlineStore(new RedisSettings(redis.uri(), null, Duration.ofSeconds(2), Duration.ofDays(7)));
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int c = 0; c < cards; c++) {
        String token = tokens.token(String.format("card-%06d", c));
        out.add(token);
        double[] values = new double[view.features().size()];
        for (int f = 0; f < values.length; f++) {
          values[f] = 1 + random.nextInt(50);
        }
        FeatureRow row = new FeatureRow(token, now - random.nextInt(3_600_000), now * 1_000 + c, false, values);
        store.write(OnlineKey.of(view, token), codec.stored(row));
        producer.send(new ProducerRecord<>("features.card_id", null, row.validFrom, OnlineKey.of(view, token).bytes(),
            codec.encode(row)));
      }
    }
    return out;
  }

  /** One request of the load: method, path and, for a POST, its JSON body. */
  record Call(String method, String path, String body) {}

  /**
   * Makes {@code rate} calls a second for warm-up plus {@code seconds} from a fixed set of client
   * threads (for HTTP, each on its own keep-alive connection, as wrk does; the JDK's
   * HttpURLConnection, whose blocking calls cost the shared CPU less than the JDK HttpClient's
   * hand-offs): call i is due at i / rate, the next free thread makes it at or after that time,
   * and its latency runs from the due time, so queueing behind a slow call counts (no
   * coordinated omission) while the number of connections stays bounded. {@code call} returns
   * the HTTP status (-1 for a failure). The distribution of the counted calls, and their
   * statuses: {@code ok} (200), {@code refused} (429) and {@code failed} (anything else).
   */
  static Map<String, Object> load(java.util.function.IntUnaryOperator call, int rate, int seconds, int warmup)
      throws Exception {
    int skip = rate * warmup;
    int total = skip + rate * seconds;
    long[] nanos = new long[total - skip];
    AtomicLong ok = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    long period = 1_000_000_000L / rate;
    long start = System.nanoTime() + 50_000_000L;
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < CLIENT_THREADS; c++) {
      Thread t = new Thread(() -> {
        int i;
        while ((i = next.getAndIncrement()) < total) {
          long due = start + i * period;
          long wait;
          while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          int status = call.applyAsInt(i);
          if (i >= skip) {
            nanos[i - skip] = System.nanoTime() - due;
            (status == 200 ? ok : status == 429 ? refused : failed).incrementAndGet();
          }
        }
      }, "client-" + c);
      t.start();
      clients.add(t);
    }
    for (Thread t : clients) {
      t.join();
    }
    Map<String, Object> m = distribution(nanos, nanos.length, failed.get() + refused.get());
    m.put("ok", ok.get());
    m.put("refused", refused.get());
    m.put("failed", failed.get());
    m.put("rate_per_second", rate);
    return m;
  }

  /** A response: its status (-1 when the call failed) and body. */
  record Answer(int status, String body) {}

  /** The status, or -1 when the call failed. */
  static int send(String base, String key, Call call) {
    return exchange(base, key, call).status();
  }

  /** One call on this thread's kept-alive connection; the body is read to its end so the connection is kept. */
  static Answer exchange(String base, String key, Call call) {
    try {
      java.net.HttpURLConnection con = (java.net.HttpURLConnection) URI.create(base + call.path()).toURL().openConnection();
      con.setRequestMethod(call.method());
      if (key != null) {
        con.setRequestProperty("X-Api-Key", key);
      }
      if (call.body() != null) {
        con.setDoOutput(true);
        con.setRequestProperty("Content-Type", "application/json");
        try (var out = con.getOutputStream()) {
          out.write(call.body().getBytes(StandardCharsets.UTF_8));
        }
      }
      int status = con.getResponseCode();
      try (var in = status < 400 ? con.getInputStream() : con.getErrorStream()) {
        return new Answer(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (java.io.IOException e) {
      return new Answer(-1, "");
    }
  }

  static Map<String, Object> distribution(long[] nanos, int n, long errors) {
    long[] sorted = Arrays.copyOf(nanos, n);
    Arrays.sort(sorted);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", n);
    m.put("errors", errors);
    m.put("p50", ms(sorted[n / 2]));
    m.put("p99", ms(sorted[(int) Math.min(n - 1, Math.floor(n * 0.99))]));
    m.put("p999", ms(sorted[(int) Math.min(n - 1, Math.floor(n * 0.999))]));
    m.put("max", ms(sorted[n - 1]));
    return m;
  }

  static double ms(long nanos) {
    return BenchmarkReport.round(nanos / 1e6);
  }

  /** The service's own latency histogram of a route (cumulative counts by upper bound in seconds), from /metrics. */
  static Map<String, Double> serverBuckets(String base, String route) {
    String text = exchange(base, null, new Call("GET", "/metrics", null)).body();
    Map<String, Double> buckets = new LinkedHashMap<>();
    String prefix = "serving_request_duration_seconds_bucket{";
    for (String line : text.split("\n")) {
      if (line.startsWith(prefix) && line.contains("route=\"" + route + "\"") && line.contains("outcome=\"200\"")) {
        String le = line.substring(line.indexOf("le=\"") + 4, line.indexOf('"', line.indexOf("le=\"") + 4));
        le = le.equals("+Inf") ? le : Double.toString(Double.parseDouble(le));
        buckets.merge(le, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
      }
    }
    return buckets;
  }

  /**
   * The share of a run's requests the service itself answered within each bucket bound (from
   * arrival at the handler to its response; HTTP parsing and the client are outside it).
   */
  static Map<String, Object> serverShares(Map<String, Double> before, Map<String, Double> after) {
    double total = after.getOrDefault("+Inf", 0.0) - before.getOrDefault("+Inf", 0.0);
    Map<String, Object> shares = new LinkedHashMap<>();
    for (String le : List.of("0.0005", "0.001", "0.0025", "0.005", "0.01")) {
      String bound = Double.toString(Double.parseDouble(le));
      double within = after.getOrDefault(bound, 0.0) - before.getOrDefault(bound, 0.0);
      shares.put("within_" + BenchmarkReport.round(Double.parseDouble(le) * 1000) + "_ms", total == 0 ? null
          : BenchmarkReport.round(within / total));
    }
    return shares;
  }

  static void awaitReady(String base) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (send(base, null, new Call("GET", "/health/ready", null)) != 200) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the serving API was not ready within 120 s");
      }
      Thread.sleep(200);
    }
  }
}
