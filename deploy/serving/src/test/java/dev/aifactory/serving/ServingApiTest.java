package dev.aifactory.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.IcebergCatalogs;
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
import dev.aifactory.models.control.ModelChanges;
import dev.aifactory.models.registry.DataUse;
import dev.aifactory.models.registry.ModelRegistry;
import dev.aifactory.schemas.tokens.Keyring;
import dev.aifactory.schemas.tokens.Tokenizer;
import dev.aifactory.scoring.TestModels;
import dev.aifactory.scoring.model.Prediction;
import dev.aifactory.models.runtime.Contributions;
import dev.aifactory.scoring.ReviewCase;
import dev.aifactory.scoring.review.ReviewCases;
import dev.aifactory.scoring.sink.ServedPredictions;
import dev.aifactory.serving.tenant.Tenants;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving API as it runs: a real Kafka broker, a real Redis server, the model registry in
 * Iceberg, real ONNX models, and HTTP calls from outside. Vectors reach the stores the way the
 * features job writes them (Redis writes, and records on the compacted online topic).
 */
class ServingApiTest {

  static final FeatureView VIEW = FeatureViews.load("card_activity");
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final String CHECKOUT = "checkout-key-7f3a";
  static final String OPS = "ops-key-91c2";
  static final String SLOW = "slow-key-44d0";
  static final String MARKETING = "marketing-key-0b7e";
  static final String LOOKUP_ONLY = "lookup-key-5e21";
  static final String METERED = "metered-key-3c9a";
  static final String PRICED = "priced-key-8d12";
  static final String SWAPPED = "fraud-swapped";

  @TempDir
  static Path tmp;
  static LocalKafka kafka;
  static LocalRedis redis;
  static Path tenantsFile;
  static Path keyringFile;
  static Tokenizer tokens;
  static TestModels.Trained v1;
  static TestModels.Trained v2;
  static ModelRegistry registry;

  @BeforeAll
  static void start() throws Exception {
    kafka = LocalKafka.start();
    kafka.createTopics(2, Map.of("cleanup.policy", "compact"), "features.card_id");
    kafka.createTopics(1, "models.control");
    kafka.createTopics(2, "serving.decisions", "telemetry.usage", ReviewCases.DEFAULT_TOPIC);
    redis = LocalRedis.start(tmp.resolve("redis"));
    keyringFile = tmp.resolve("keyring");
    tokens = new Tokenizer(Keyring.create(keyringFile));
    tenantsFile = tmp.resolve("tenants.yaml");
    Files.writeString(tenantsFile, """
        tenants:
          - {id: checkout, pool: public, rate_per_second: 1000, scopes: [score], purpose: fraud_detection, key_sha256: [%s]}
          - {id: risk-ops, pool: internal, rate_per_second: 1000, scopes: [score, features], purpose: fraud_detection, key_sha256: [%s]}
          - {id: slow, pool: public, rate_per_second: 1, scopes: [score, features], purpose: fraud_detection, key_sha256: [%s]}
          - {id: campaigns, pool: public, rate_per_second: 100, scopes: [score], purpose: marketing, key_sha256: [%s]}
          - {id: lookups, pool: public, rate_per_second: 100, scopes: [features], purpose: fraud_detection, key_sha256: [%s]}
          - {id: metered, pool: public, rate_per_second: 100, scopes: [score], purpose: fraud_detection, key_sha256: [%s]}
          - {id: priced, pool: public, rate_per_second: 100, scopes: [score], purpose: fraud_detection, key_sha256: [%s]}
        """.formatted(Tenants.sha256(CHECKOUT), Tenants.sha256(OPS), Tenants.sha256(SLOW), Tenants.sha256(MARKETING),
        Tenants.sha256(LOOKUP_ONLY), Tenants.sha256(METERED), Tenants.sha256(PRICED)));
    v1 = TestModels.train(tmp.resolve("models"), VIEW, 1, 7);
    v2 = TestModels.train(tmp.resolve("models"), VIEW, 2, 8);
    registry = ModelRegistry.open(IcebergCatalogs.local(tmp.resolve("warehouse")).loadCatalog());
    DataUse use = new DataUse("fraud_detection", ViewClassification.classesByField(VIEW));
    registry.register(v1.version(), null, use);
    registry.register(v2.version(), null, use);
    registry.promote("fraud", 1, ModelStage.CHAMPION);
    // The hot-swap test changes the champion of a model of its own, so services of other tests,
    // which replay the control topic's last minute when they start, never see its changes.
    for (TestModels.Trained t : List.of(v1, v2)) {
      ModelVersion v = t.version();
      registry.register(new ModelVersion(SWAPPED, v.version(), v.stage(), v.uri(), v.sha256(), v.signature()), null, use);
    }
    registry.promote(SWAPPED, 1, ModelStage.CHAMPION);
  }

  @AfterAll
  static void stop() {
    redis.close();
    kafka.close();
  }

  static JobConfig config(String... more) {
    List<String> args = new ArrayList<>(List.of(
        "--kafka.bootstrap.servers", kafka.bootstrapServers(),
        "--iceberg.catalog.warehouse", tmp.resolve("warehouse").toString(),
        "--serving.port", "0",
        "--serving.tenants.file", tenantsFile.toString(),
        "--governance.tokens.keyring", keyringFile.toString()));
    args.addAll(List.of(more));
    return JobConfig.load("serving-defaults.properties", args.toArray(String[]::new));
  }

  /**
   * Redis, the production store (the default, online.store=topic, the embedded store, is what
   * theEmbeddedStoreServesTheOnlineTopicAndFollowsIt and SessionClusterEndToEndTest run).
   */
  static JobConfig redisConfig(LocalRedis server) {
    return config("--online.store", "redis", "--online.redis.uri", server.uri());
  }

  /** A vector of the view with a few values set, as the features job emits it. */
  static FeatureRow row(String token, long validFrom, double txCount10m, double amountSum1h) {
    double[] values = new double[VIEW.features().size()];
    Arrays.fill(values, Double.NaN);
    values[0] = txCount10m;
    values[1] = txCount10m;
    values[2] = amountSum1h;
    return new FeatureRow(token, validFrom, validFrom * 1_000 + 1, false, values);
  }

  static void writeRedis(LocalRedis server, FeatureRow row) {
    try (RedisOnlineStore store = new RedisOnlineStore(new RedisSettings(server.uri(), null, Duration.ofSeconds(1), Duration.ofDays(7)))) {
      store.write(OnlineKey.of(VIEW, row.entity), new OnlineCodec(VIEW).stored(row));
    }
  }

  static void writeTopic(FeatureRow row) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>("features.card_id", null, row.validFrom, OnlineKey.of(VIEW, row.entity).bytes(),
          new OnlineCodec(VIEW).encode(row)));
    }
  }

  static HttpResponse<String> get(ServingService service, String path, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path)).timeout(Duration.ofSeconds(10));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> score(ServingService service, String key, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/v1/score"))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json");
    if (key != null) {
      b.header("X-Api-Key", key);
    }
    return HTTP.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String payment(String eventId, String card, double amount) {
    return "{\"event_id\":\"" + eventId + "\",\"card_id\":\"" + card + "\",\"amount\":" + amount
        + ",\"currency\":\"EUR\",\"merchant_id\":\"m-1\"}";
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  static double[] valuesOf(JsonNode values) {
    return VIEW.features().stream().mapToDouble(f -> values.get(f.name()).isNull() ? Double.NaN : values.get(f.name()).asDouble())
        .toArray();
  }

  @Test
  void aCardsVectorIsReadFromRedisByRawIdOrToken() throws Exception {
    String token = tokens.token("card-redis-1");
    long validFrom = System.currentTimeMillis() - 1_000;
    writeRedis(redis, row(token, validFrom, 3, 120.5));
    try (ServingService service = ServingService.start(redisConfig(redis))) {
      HttpResponse<String> byRaw = get(service, "/v1/features/card_activity/card-redis-1", OPS);
      assertThat(byRaw.statusCode()).as(byRaw.body()).isEqualTo(200);
      JsonNode body = json(byRaw);
      assertThat(body.get("entity").asText()).isEqualTo(token);
      assertThat(body.get("version").asInt()).isEqualTo(VIEW.version());
      assertThat(Instant.parse(body.get("valid_from").asText()).toEpochMilli()).isEqualTo(validFrom);
      assertThat(body.get("age_ms").asLong()).isBetween(0L, 60_000L);
      assertThat(body.get("values").get("tx_count_10m").asDouble()).isEqualTo(3);
      assertThat(body.get("values").get("amount_sum_1h").asDouble()).isEqualTo(120.5);
      assertThat(body.get("values").get("last_amount").isNull()).isTrue();
      assertThat(byRaw.body()).doesNotContain("card-redis-1");

      assertThat(json(get(service, "/v1/features/card_activity/" + token, OPS)).get("entity").asText()).isEqualTo(token);
      HttpResponse<String> unknown = get(service, "/v1/features/card_activity/card-never-seen", OPS);
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(json(unknown).get("field").asText()).isEqualTo("entity");
      assertThat(get(service, "/v1/features/merchant_activity/card-redis-1", OPS).statusCode()).isEqualTo(404);
      assertThat(get(service, "/v1/features/card_activity/card-redis-1?version=1", OPS).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void theEmbeddedStoreServesTheOnlineTopicAndFollowsIt() throws Exception {
    String token = tokens.token("card-topic-1");
    long t0 = System.currentTimeMillis() - 5_000;
    writeTopic(row(token, t0, 1, 10));
    try (ServingService service = ServingService.start(config())) {
      waitFor(() -> ready(service), "the embedded store to catch up");
      assertThat(json(get(service, "/v1/features/card_activity/card-topic-1", OPS)).get("values").get("tx_count_10m").asDouble())
          .isEqualTo(1);
      // the next event's row, then a replay of the first: the newest stays
      writeTopic(row(token, t0 + 1_000, 2, 30));
      writeTopic(row(token, t0, 1, 10));
      waitFor(() -> countOf(service, "card-topic-1") == 2, "the second vector");
      Thread.sleep(500);
      assertThat(countOf(service, "card-topic-1")).isEqualTo(2);
    }
  }

  @Test
  void aPaymentIsScoredWithTheChampionOnItsCardsVectorAndAudited() throws Exception {
    String token = tokens.token("card-score-1");
    writeRedis(redis, row(token, System.currentTimeMillis() - 2_000, 4, 250));
    try (ServingService service = ServingService.start(redisConfig(redis))) {
      HttpResponse<String> r = score(service, CHECKOUT, payment("pay-1", "card-score-1", 80));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode body = json(r);
      double[] used = valuesOf(body.get("features").get("values"));
      assertThat(used[0]).isEqualTo(4);
      assertThat(used[2]).isEqualTo(250);
      assertThat(body.get("score").asDouble()).isCloseTo(v1.expected(used), within(1e-5));
      assertThat(body.get("model").get("version").asInt()).isEqualTo(1);
      double s = body.get("score").asDouble();
      assertThat(body.get("decision").asText()).isEqualTo(s >= 0.9 ? "DECLINE" : s >= 0.5 ? "REVIEW" : "APPROVE");
      assertThat(body.get("tier").asText()).isEqualTo("sync");
      assertThat(r.body()).doesNotContain("card-score-1");

      // A card with no vector yet is scored with every feature missing.
      JsonNode fresh = json(score(service, CHECKOUT, payment("pay-2", "card-score-new", 10)));
      double[] none = valuesOf(fresh.get("features").get("values"));
      assertThat(none).containsOnly(Double.NaN);
      assertThat(fresh.get("score").asDouble()).isCloseTo(v1.expected(none), within(1e-5));

      // Every decision is on the audit topic, with tier, tenant and the card's token only.
      List<ConsumerRecord<byte[], byte[]>> audited = new ArrayList<>();
      waitFor(() -> {
        audited.clear();
        audited.addAll(kafka.readTopic("serving.decisions").stream()
            .filter(m -> List.of("pay-1", "pay-2").contains(new String(m.key(), StandardCharsets.UTF_8))).toList());
        return audited.size() == 2;
      }, "two audit records");
      List<String> names = VIEW.features().stream().map(f -> f.name()).toList();
      for (ConsumerRecord<byte[], byte[]> m : audited) {
        assertThat(new String(m.value(), StandardCharsets.ISO_8859_1)).doesNotContain("card-score");
        Prediction p = ServedPredictions.decode(m.value(), names);
        assertThat(p.tier).isEqualTo(Prediction.SYNC);
        assertThat(p.tenant).isEqualTo("checkout");
        assertThat(p.modelVersion).isEqualTo(1);
        assertThat(p.modelSha256).isEqualTo(v1.version().sha256());
        assertThat(p.fallbackReason).isNull();
        if (p.eventId.equals("pay-1")) {
          assertThat(p.entity).isEqualTo(token);
          assertThat(p.features).containsExactly(used);
          assertThat(p.score).isCloseTo(body.get("score").asDouble(), within(1e-9));
        }
      }

      HttpResponse<String> metrics = get(service, "/metrics", null);
      assertThat(metrics.body()).contains("serving_requests_total{outcome=\"200\",route=\"score\",tenant=\"checkout\"} 2.0");
      assertThat(metrics.body()).contains("serving_request_duration_seconds_bucket");
    }
  }

  /**
   * A REVIEW goes to the review queue with its evidence: the features the model read and each
   * one's contribution, adding up with the baseline to the score's logit. The review threshold
   * is 0 here (default 0.5, which aPaymentIsScoredWithTheChampionOnItsCardsVectorAndAudited
   * runs), so that this payment is certainly a REVIEW.
   */
  @Test
  void aReviewDecisionOpensACaseWithItsEvidence() throws Exception {
    String token = tokens.token("card-review-1");
    writeRedis(redis, row(token, System.currentTimeMillis() - 2_000, 7, 900));
    try (ServingService service = ServingService.start(redisConfig(redis)
        .with("scoring.threshold.review", "0").with("scoring.threshold.decline", "1"))) {
      JsonNode body = json(score(service, CHECKOUT, payment("pay-review-1", "card-review-1", 95)));
      assertThat(body.get("decision").asText()).isEqualTo("REVIEW");
      double[] used = valuesOf(body.get("features").get("values"));
      List<ReviewCase> cases = new ArrayList<>();
      waitFor(() -> {
        cases.clear();
        for (ConsumerRecord<byte[], byte[]> m : kafka.readTopic(ReviewCases.DEFAULT_TOPIC)) {
          try {
            ReviewCase c = ReviewCases.decode(m.value());
            if (c.getCaseId().equals("pay-review-1")) {
              cases.add(c);
            }
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
        return !cases.isEmpty();
      }, "the review case");
      ReviewCase c = cases.get(0);
      assertThat(c.getTier()).isEqualTo(Prediction.SYNC);
      assertThat(c.getTenant()).isEqualTo("checkout");
      assertThat(c.getEntityId()).isEqualTo(token);
      assertThat(c.getScore()).isCloseTo(body.get("score").asDouble(), within(1e-9));
      List<String> names = VIEW.features().stream().map(f -> f.name()).toList();
      double logit = c.getBaselineLogit();
      for (int i = 0; i < names.size(); i++) {
        assertThat(c.getFeatures().get(names.get(i))).isEqualTo(Double.isNaN(used[i]) ? null : used[i]);
        logit += c.getContributions().get(names.get(i));
      }
      assertThat(logit).isCloseTo(Contributions.logit(c.getScore()), within(1e-3));
      assertThat(c.getContributions().get(names.get(0))).as("tx count 7 against missing").isNotZero();
    }
  }

  @Test
  void aNewChampionOnTheControlTopicIsUsedWithoutARestart() throws Exception {
    String token = tokens.token("card-swap-1");
    writeRedis(redis, row(token, System.currentTimeMillis() - 2_000, 7, 900));
    try (ServingService service = ServingService.start(redisConfig(redis).with("scoring.model-name", SWAPPED))) {
      JsonNode before = json(score(service, OPS, payment("swap-1", "card-swap-1", 5)));
      assertThat(before.get("model").get("version").asInt()).isEqualTo(1);
      // Requests keep flowing from another client while the model changes under them.
      java.util.concurrent.atomic.AtomicBoolean flowing = new java.util.concurrent.atomic.AtomicBoolean(true);
      List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
      Thread traffic = new Thread(() -> {
        for (int i = 0; flowing.get(); i++) {
          try {
            statuses.add(score(service, OPS, payment("flow-" + i, "card-swap-1", 5)).statusCode());
          } catch (Exception e) {
            statuses.add(-1);
          }
        }
      });
      traffic.start();
      ModelChanges.publish(kafka.bootstrapServers(), "models.control", registry.promote(SWAPPED, 2, ModelStage.CHAMPION));
      try {
        waitFor(() -> {
          try {
            return json(score(service, OPS, payment("swap-x", "card-swap-1", 5))).get("model").get("version").asInt() == 2;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, "version 2 to decide");
        JsonNode after = json(score(service, OPS, payment("swap-2", "card-swap-1", 5)));
        double[] used = valuesOf(after.get("features").get("values"));
        assertThat(after.get("score").asDouble()).isCloseTo(v2.expected(used), within(1e-5));
        flowing.set(false);
        traffic.join();
        assertThat(statuses).as("requests during the swap").isNotEmpty().containsOnly(200);
      } finally {
        flowing.set(false);
      }
    }
  }

  @Test
  void requestsAreRefusedWithTheStatusThatSaysWhy() throws Exception {
    try (ServingService service = ServingService.start(redisConfig(redis))) {
      assertThat(score(service, null, payment("e-1", "c", 1)).statusCode()).isEqualTo(401);
      assertThat(score(service, "not-a-key", payment("e-1", "c", 1)).statusCode()).isEqualTo(401);
      assertThat(score(service, LOOKUP_ONLY, payment("e-1", "c", 1)).statusCode()).isEqualTo(403);
      assertThat(get(service, "/v1/features/card_activity/c", CHECKOUT).statusCode()).isEqualTo(403);
      HttpResponse<String> marketing = score(service, MARKETING, payment("e-1", "c", 1));
      assertThat(marketing.statusCode()).isEqualTo(403);
      assertThat(json(marketing).get("error").asText()).contains("marketing-never-uses-card-or-personal-data");

      HttpResponse<String> badAmount = score(service, CHECKOUT, payment("e-1", "c", 1).replace("\"amount\":1.0", "\"amount\":\"lots\""));
      assertThat(badAmount.statusCode()).isEqualTo(400);
      assertThat(json(badAmount).get("field").asText()).isEqualTo("amount");
      HttpResponse<String> noCard = score(service, CHECKOUT, "{\"event_id\":\"e-2\",\"amount\":1,\"currency\":\"EUR\"}");
      assertThat(json(noCard).get("field").asText()).isEqualTo("card_id");
      assertThat(score(service, CHECKOUT, "{\"event_id\":").statusCode()).isEqualTo(400);
      assertThat(score(service, CHECKOUT, payment("e-4", "c", 1).replace("1.0", "NaN")).statusCode()).isEqualTo(400);
      HttpResponse<String> infinite = score(service, CHECKOUT, payment("e-5", "c", 1).replace("1.0", "1e400"));
      assertThat(json(infinite).get("field").asText()).isEqualTo("amount");
      assertThat(score(service, CHECKOUT, "[1, 2]").statusCode()).isEqualTo(400);
      HttpResponse<String> future = score(service, CHECKOUT,
          payment("e-3", "c", 1).replace("}", ",\"event_time\":\"2999-01-01T00:00:00Z\"}"));
      assertThat(json(future).get("field").asText()).isEqualTo("event_time");
      assertThat(score(service, CHECKOUT, "{\"event_id\":\"" + "x".repeat(20_000) + "\"}").statusCode()).isEqualTo(413);

      // one request a second: the second at once is over the quota, with a Retry-After
      assertThat(score(service, SLOW, payment("q-1", "c", 1)).statusCode()).isEqualTo(200);
      HttpResponse<String> over = score(service, SLOW, payment("q-2", "c", 1));
      assertThat(over.statusCode()).isEqualTo(429);
      assertThat(over.headers().firstValue("Retry-After")).contains("1");
      assertThat(score(service, CHECKOUT, payment("q-3", "c", 1)).statusCode()).as("other tenants are not limited by it").isEqualTo(200);
    }
  }

  @Test
  void aStoreOutageDecidesByTheDeclaredFallbackWithinTheTimeout() throws Exception {
    LocalRedis doomed = LocalRedis.start(tmp.resolve("doomed"));
    try (ServingService service = ServingService.start(redisConfig(doomed).with("serving.fallback.decision", "DECLINE"))) {
      assertThat(get(service, "/health/ready", null).statusCode()).isEqualTo(200);
      doomed.close();
      long start = System.nanoTime();
      HttpResponse<String> r = score(service, CHECKOUT, payment("outage-1", "card-outage", 42));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(json(r).get("decision").asText()).isEqualTo("DECLINE");
      assertThat(json(r).get("fallback").asText()).isEqualTo("online_store_unavailable");
      assertThat(get(service, "/v1/features/card_activity/card-outage", OPS).statusCode()).isEqualTo(503);
      assertThat(get(service, "/health/ready", null).statusCode()).isEqualTo(503);
      assertThat(get(service, "/health/live", null).statusCode()).isEqualTo(200);
      waitFor(() -> kafka.readTopic("serving.decisions").stream()
          .anyMatch(m -> new String(m.key(), StandardCharsets.UTF_8).equals("outage-1")), "the fallback's audit record");
    } finally {
      doomed.close();
    }
  }

  @Test
  void afterARedisRestartTheServiceRecoversWithoutOne() throws Exception {
    LocalRedis first = LocalRedis.start(tmp.resolve("restarted"));
    int port = first.port();
    String token = tokens.token("card-restart");
    writeRedis(first, row(token, System.currentTimeMillis() - 1_000, 2, 20));
    try (ServingService service = ServingService.start(redisConfig(first))) {
      assertThat(json(score(service, CHECKOUT, payment("r-1", "card-restart", 5))).has("fallback")).isFalse();
      first.close();
      JsonNode down = json(score(service, CHECKOUT, payment("r-2", "card-restart", 5)));
      assertThat(down.get("fallback").asText()).isEqualTo("online_store_unavailable");
      try (LocalRedis second = LocalRedis.start(tmp.resolve("restarted"), port)) {
        // no persistence: the features job's next rows refill it; here one row is written again
        writeRedis(second, row(token, System.currentTimeMillis() - 500, 3, 30));
        waitFor(() -> ready(service), "readiness after the restart");
        JsonNode back = json(score(service, CHECKOUT, payment("r-3", "card-restart", 5)));
        assertThat(back.has("fallback")).isFalse();
        assertThat(valuesOf(back.get("features").get("values"))[0]).isEqualTo(3);
      }
    } finally {
      first.close();
    }
  }

  @Test
  void aRevokedKeyIsRefusedWithoutARestart() throws Exception {
    Path file = tmp.resolve("tenants-revocable.yaml");
    String keep = "keep-key-1";
    String revoke = "revoke-key-2";
    Files.writeString(file, "tenants:\n  - {id: keeper, rate_per_second: 100, key_sha256: [" + Tenants.sha256(keep) + "]}\n"
        + "  - {id: leaver, rate_per_second: 100, key_sha256: [" + Tenants.sha256(revoke) + "]}\n");
    // The file is checked every 200 ms instead of every 5 s, so the test need not wait; the check is the same.
    try (ServingService service = ServingService.start(redisConfig(redis).with("serving.tenants.file", file.toString())
        .with("serving.tenants.reload-interval", "200ms"))) {
      assertThat(score(service, revoke, payment("k-1", "c", 1)).statusCode()).isEqualTo(200);
      Files.writeString(file, "tenants:\n  - {id: keeper, rate_per_second: 100, key_sha256: [" + Tenants.sha256(keep) + "]}\n");
      waitFor(() -> {
        try {
          return score(service, revoke, payment("k-2", "c", 1)).statusCode() == 401;
        } catch (Exception e) {
          return false;
        }
      }, "the revoked key to be refused");
      assertThat(score(service, keep, payment("k-3", "c", 1)).statusCode()).isEqualTo(200);
      // a broken file keeps the tenants in force
      Files.writeString(file, "tenants: [");
      Thread.sleep(600);
      assertThat(score(service, keep, payment("k-4", "c", 1)).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void decisionsAreMeteredPerTenantForTheCostJob() throws Exception {
    // Metered every 200 ms instead of every 10 s, so the test need not wait; the interval is the only difference.
    try (ServingService service = ServingService.start(redisConfig(redis).with("serving.usage.interval", "200ms"))) {
      for (int i = 0; i < 5; i++) {
        assertThat(score(service, METERED, payment("m-" + i, "card-metered", 10 + i)).statusCode()).isEqualTo(200);
      }
      waitFor(() -> meteredRows("metered") == 5, "five metered decisions of tenant metered");
      Thread.sleep(500);
      assertThat(meteredRows("metered")).as("each decision metered once").isEqualTo(5);
    }
  }

  /**
   * The API's own CPU reaches the cost job as cpu samples of its instance, split over the tenants
   * by their requests, and the cost job's reader and window calculator price them: the tenant's
   * share has a cost under the same labels as its decisions, so unit economics can divide one by
   * the other.
   */
  @Test
  void theApisOwnCpuIsPricedPerTenantUnderTheLabelsOfItsDecisions() throws Exception {
    // Metered every 200 ms instead of every 10 s, as above.
    try (ServingService service = ServingService.start(redisConfig(redis).with("serving.usage.interval", "200ms"))) {
      for (int i = 0; i < 20; i++) {
        assertThat(score(service, PRICED, payment("cpu-" + i, "card-cpu", 10 + i)).statusCode()).isEqualTo(200);
      }
      waitFor(() -> usage().stream().anyMatch(u -> u.sample != null && "priced".equals(u.sample.labels.team)),
          "a cpu sample of tenant priced");
      Thread.sleep(1_000); // a few idle intervals after the requests
    }
    List<dev.aifactory.cost.model.UsageRecord> usage = usage();
    assertThat(usage).as("every record reads as valid in the cost job").allSatisfy(u -> assertThat(u.rejected).isNull());
    dev.aifactory.cost.model.Sample tenantSample = usage.stream().map(u -> u.sample)
        .filter(s -> s != null && "priced".equals(s.labels.team) && s.cpuCoresUsed > 0).findFirst().orElseThrow();
    assertThat(tenantSample.resourceType).isEqualTo("cpu");
    assertThat(tenantSample.cpuCoresCapacity).as("the JVM's cores, by default").isEqualTo(Runtime.getRuntime().availableProcessors());
    dev.aifactory.cost.model.Metering decisions = usage.stream().map(u -> u.metering)
        .filter(m -> m != null && "priced".equals(m.labels.team)).findFirst().orElseThrow();
    assertThat(dev.aifactory.cost.economics.MeteringWindow.subject(tenantSample.labels)).as("joins the tenant's decisions")
        .isEqualTo(dev.aifactory.cost.economics.MeteringWindow.subject(decisions.labels));

    List<dev.aifactory.cost.model.Sample> instance = usage.stream().map(u -> u.sample)
        .filter(s -> s != null && s.resourceId.equals(tenantSample.resourceId))
        .sorted(java.util.Comparator.comparingLong(s -> s.time)).toList();
    assertThat(instance).as("idle intervals belong to the team that runs the service")
        .anyMatch(s -> "platform".equals(s.labels.team) && s.labels.model == null);
    long start = instance.get(0).time;
    long end = instance.get(instance.size() - 1).time + 1;
    var prices = dev.aifactory.cost.prices.PriceBook.from(JobConfig.load("cost-defaults.properties"));
    List<dev.aifactory.cost.model.ResourceWindow> windows =
        dev.aifactory.cost.window.WindowCalculator.compute(instance, start, end, 30_000, prices);
    var tenant = windows.stream().filter(w -> w.labels.equals(tenantSample.labels)).findFirst().orElseThrow();
    assertThat(tenant.workloadCost).as("the tenant pays for the cores its requests used").isPositive();
    double asset = windows.stream().mapToDouble(w -> w.assetCost).sum();
    assertThat(asset).as("the instance's capacity at the vCPU-hour price, shared between the co-tenants")
        .isCloseTo(Runtime.getRuntime().availableProcessors() * 0.04 * (end - start) / 3.6e6, within(1e-12));
  }

  /** The usage topic as the cost job reads it, through its own deserializer. */
  static List<dev.aifactory.cost.model.UsageRecord> usage() {
    var deserializer = new dev.aifactory.cost.source.UsageTopicDeserializer();
    deserializer.open(null);
    List<dev.aifactory.cost.model.UsageRecord> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> m : kafka.readTopic("telemetry.usage")) {
      deserializer.deserialize(m, new org.apache.flink.util.Collector<>() {
        @Override
        public void collect(dev.aifactory.cost.model.UsageRecord r) {
          out.add(r);
        }

        @Override
        public void close() {}
      });
    }
    return out;
  }

  /** Rows scored for a tenant on the usage topic, as the cost job reads them (plain Avro Usage). */
  static long meteredRows(String tenant) {
    long rows = 0;
    for (ConsumerRecord<byte[], byte[]> m : kafka.readTopic("telemetry.usage")) {
      try {
        dev.aifactory.telemetry.Usage u = dev.aifactory.telemetry.Usage.fromByteBuffer(java.nio.ByteBuffer.wrap(m.value()));
        if (tenant.equals(u.getTeam()) && "job".equals(u.getResourceType())) {
          assertThat(u.getWorkloadClass()).isEqualTo("sync_inference");
          assertThat(u.getModel()).isEqualTo("fraud:1");
          rows += u.getRowsScored();
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return rows;
  }

  @Test
  void withoutAChampionTheServiceIsNotReady() throws Exception {
    try (ServingService service = ServingService.start(redisConfig(redis).with("scoring.model-name", "no-such-model"))) {
      assertThat(get(service, "/health/ready", null).statusCode()).isEqualTo(503);
      assertThat(json(get(service, "/health/ready", null)).get("champion").asText()).isEqualTo("none");
      assertThat(score(service, CHECKOUT, payment("n-1", "c", 1)).statusCode()).isEqualTo(503);
    }
  }

  static boolean ready(ServingService service) {
    try {
      return get(service, "/health/ready", null).statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  static int countOf(ServingService service, String card) {
    try {
      HttpResponse<String> r = get(service, "/v1/features/card_activity/" + card, OPS);
      return r.statusCode() == 200 ? json(r).get("values").get("tx_count_10m").asInt() : -1;
    } catch (Exception e) {
      return -1;
    }
  }
}
