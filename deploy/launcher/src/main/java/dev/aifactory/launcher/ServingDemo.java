package dev.aifactory.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.scoring.sink.PredictionTable;
import dev.aifactory.serving.ServingService;
import dev.aifactory.serving.tenant.Tenants;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.iceberg.catalog.Catalog;

/**
 * The demo's serving step: the serving API on the embedded online store (the online topic
 * materialized in this process, no Redis), a checkout tenant scoring payments through it one at
 * a time, the burst card's features read by its raw id, and every decision audited in
 * {@code gold.predictions} by the scoring job that still runs.
 */
final class ServingDemo {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String bootstrap;
  private final Path dir;
  private final Catalog catalog;

  ServingDemo(String bootstrap, Path dir, Catalog catalog) {
    this.bootstrap = bootstrap;
    this.dir = dir;
    this.catalog = catalog;
  }

  /** False (and the demo fails) if a payment was not answered, the burst card's features differ, or a decision was not audited. */
  boolean run(FeatureView view, String burstCard, Object burstCount) throws Exception {
    // A key made for this run only: the tenants file keeps its hash, the key stays in memory.
    String key = HexFormat.of().formatHex(SecureRandom.getInstanceStrong().generateSeed(16));
    Path tenants = dir.resolve("serving").resolve("tenants.yaml");
    Files.createDirectories(tenants.getParent());
    Files.writeString(tenants, "tenants:\n  - {id: demo-checkout, pool: public, rate_per_second: 10000, scopes: [score, features],"
        + " purpose: fraud_detection, key_sha256: [" + Tenants.sha256(key) + "]}\n");
    long auditedBefore = syncRows();
    JobConfig config = JobConfig.load("serving-defaults.properties", "--kafka.bootstrap.servers", bootstrap,
        "--iceberg.catalog.warehouse", dir.resolve("warehouse").toString(), "--serving.port", "0",
        "--serving.tenants.file", tenants.toString(),
        "--" + LocalKeyring.OPTION, LocalKeyring.ensure(LocalKeyring.DEFAULT).toString());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try (ServingService service = ServingService.start(config)) {
      String base = "http://127.0.0.1:" + service.port();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode() != 200) {
        if (System.nanoTime() > deadline) {
          System.err.println("the serving API was not ready within 60 s");
          return false;
        }
        Thread.sleep(100);
      }
      int payments = 500;
      System.out.printf("serving API on %s (embedded online store): scoring %d payments one at a time...%n", base, payments);
      Random random = new Random(11);
      int cards = GeneratorSettings.defaults().cards();
      List<Double> ms = new ArrayList<>();
      Map<String, Integer> decisions = new TreeMap<>();
      int answered = 0;
      for (int i = 0; i < payments; i++) {
        String body = "{\"event_id\":\"api-demo-" + System.nanoTime() + "-" + i + "\",\"card_id\":\""
            + String.format("card-%06d", 1 + random.nextInt(cards - 1)) + "\",\"amount\":" + (5 + random.nextInt(400))
            + ",\"currency\":\"EUR\",\"merchant_id\":\"m-" + random.nextInt(50) + "\"}";
        long start = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/score")).header("X-Api-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        ms.add((System.nanoTime() - start) / 1e6);
        if (r.statusCode() == 200) {
          answered++;
          decisions.merge(JSON.readTree(r.body()).get("decision").asText(), 1, Integer::sum);
        }
      }
      ms.sort(null);
      HttpResponse<String> features = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/features/" + view.name() + "/"
          + burstCard)).header("X-Api-Key", key).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode vector = features.statusCode() == 200 ? JSON.readTree(features.body()) : null;
      Object served = vector == null ? null : vector.get("values").get("tx_count_10m").asLong();
      long deadlineAudit = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (syncRows() - auditedBefore < answered && System.nanoTime() < deadlineAudit) {
        Thread.sleep(500);
      }
      long audited = syncRows() - auditedBefore;
      System.out.println("=== serving API ===");
      System.out.printf("POST /v1/score       p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d of %d answered, one at a time from a client"
          + " in this process over loopback HTTP); decisions %s%n", ms.get(ms.size() / 2), ms.get((int) (ms.size() * 0.99)),
          ms.get(ms.size() - 1), answered, payments, decisions);
      System.out.printf("GET /v1/features     burst card %s: tx_count_10m %s, age %s ms%n", burstCard, served,
          vector == null ? "-" : vector.get("age_ms").asText());
      System.out.printf("audit                %d of %d decisions in gold.predictions (tier sync)%n", audited, answered);
      boolean allAnswered = answered == payments;
      boolean burstServed = burstCount != null && String.valueOf(burstCount).equals(String.valueOf(served));
      boolean allAudited = audited == answered;
      System.out.printf("check: every API payment decided      %s%n", allAnswered ? "OK" : "MISSING");
      System.out.printf("check: the API serves the burst's row %s%n", burstServed ? "OK" : "MISMATCH");
      System.out.printf("check: every API decision audited     %s%n", allAudited ? "OK" : "MISSING");
      return allAnswered && burstServed && allAudited;
    }
  }

  private long syncRows() throws java.io.IOException {
    var table = catalog.loadTable(PredictionTable.PREDICTIONS);
    table.refresh();
    long n = 0;
    try (var rows = org.apache.iceberg.data.IcebergGenerics.read(table).select("tier")
        .where(org.apache.iceberg.expressions.Expressions.equal("tier", dev.aifactory.scoring.model.Prediction.SYNC)).build()) {
      for (var ignored : rows) {
        n++;
      }
    }
    return n;
  }
}
