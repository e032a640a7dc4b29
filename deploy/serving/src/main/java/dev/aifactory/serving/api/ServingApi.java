package dev.aifactory.serving.api;

import ai.onnxruntime.OrtException;
import dev.aifactory.common.policy.PolicyDeniedException;
import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.online.OnlineCodec;
import dev.aifactory.serving.audit.DecisionAudit;
import dev.aifactory.scoring.model.Prediction;
import dev.aifactory.serving.audit.SyncPredictions;
import dev.aifactory.serving.audit.UsageMeter;
import dev.aifactory.serving.lookup.FeatureLookup;
import dev.aifactory.serving.lookup.StoreUnavailable;
import dev.aifactory.serving.metrics.ServingMetrics;
import dev.aifactory.serving.score.NoChampion;
import dev.aifactory.serving.score.SyncScorer;
import dev.aifactory.serving.tenant.Admission;
import dev.aifactory.serving.tenant.Tenant;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving API's HTTP surface, on Javalin (Jetty):
 * <ul>
 *   <li>{@code GET /v1/features/{view}/{entity}}: the entity's online vector with its freshness;
 *   <li>{@code POST /v1/score}: a payment scored with the champion on the card's online vector;
 *   <li>{@code GET /health/live}, {@code GET /health/ready}, {@code GET /metrics}.
 * </ul>
 * Errors are {@code {"error", "field"}} with 400 (a bad field), 401 (no or unknown key), 403
 * (the key's tenant may not call this, or the policy denies its purpose), 404, 429 (over quota
 * or its pool full) and 503 (not ready). Nothing here waits without a bound: the store has a
 * timeout, and admission never queues.
 */
public final class ServingApi implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServingApi.class);
  // Bodies are serialized here, in the request's thread: Javalin's ctx.json() streams through a
  // pipe written by another thread, a hand-off per response that cost most of a request's time.
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TENANT = "tenant";
  private static final String MODEL = "model";

  /** What a payment is decided as when its features cannot be read (declared in configuration). */
  public record Fallback(dev.aifactory.scoring.model.Decision decision) {}

  private final FeatureLookup lookup;
  private final SyncScorer scorer;
  private final TenantGate gate;
  private final Fallback fallback;
  private final DecisionAudit audit;
  private final UsageMeter usage;
  private final ServingMetrics metrics;
  private final Javalin app;

  /**
   * @param maxThreads Jetty's request threads: a request never waits on another service longer
   *     than the store's timeout, so a few threads per core keep the cores busy; more only add
   *     context switches
   */
  public ServingApi(FeatureLookup lookup, SyncScorer scorer, TenantGate gate, Fallback fallback, DecisionAudit audit,
      UsageMeter usage, ServingMetrics metrics, int maxThreads) {
    this.lookup = lookup;
    this.scorer = scorer;
    this.gate = gate;
    this.fallback = fallback;
    this.audit = audit;
    this.usage = usage;
    this.metrics = metrics;
    this.app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      QueuedThreadPool threads = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
      threads.setName("serving-http");
      config.jetty.threadPool = threads;
      // A payment is a few hundred bytes: anything much larger is refused before it is read.
      config.http.maxRequestSize = 16 * 1024;
      config.routes.get("/v1/features/{view}/{entity}", timed("features", this::features));
      config.routes.post("/v1/score", timed("score", this::score));
      config.routes.get("/health/live", ctx -> json(ctx, 200, Map.of("status", "live")));
      config.routes.get("/health/ready", this::ready);
      config.routes.get("/metrics", ctx -> ctx.contentType(ServingMetrics.contentType()).result(metrics.scrape()));
    });
  }

  public ServingApi start(String host, int port) {
    app.start(host, port);
    return this;
  }

  public int port() {
    return app.port();
  }

  private void features(Context ctx) throws StoreUnavailable {
    Tenant tenant = gate.admit(ctx.header("Authorization"), ctx.header("X-Api-Key"), Tenant.Scope.FEATURES);
    ctx.attribute(TENANT, tenant.id());
    try (Admission.Slot slot = gate.slot(tenant)) {
      FeatureView view = lookup.view();
      String requested = ctx.pathParam("view");
      String version = ctx.queryParam("version");
      if (!requested.equals(view.name()) || (version != null && !version.equals(Integer.toString(view.version())))) {
        throw new ApiError(404, "view", "this service serves view " + view.name() + " version " + view.version()
            + ", not " + requested + (version == null ? "" : " version " + version));
      }
      var found = lookup.lookup(ctx.pathParam("entity"))
          .orElseThrow(() -> new ApiError(404, "entity", "no online vector for this entity in " + view.id()));
      Map<String, Object> body = vectorJson(view, found.vector());
      body.put("entity", found.key().entity());
      json(ctx, 200, body);
    }
  }

  private void score(Context ctx) throws OrtException, NoChampion {
    long arrived = System.nanoTime();
    Tenant tenant = gate.admit(ctx.header("Authorization"), ctx.header("X-Api-Key"), Tenant.Scope.SCORE);
    ctx.attribute(TENANT, tenant.id());
    try (Admission.Slot slot = gate.slot(tenant)) {
      if (!scorer.ready()) {
        throw new ApiError(503, null, "no champion is loaded yet");
      }
      PaymentRequest payment = PaymentRequest.parse(ctx.bodyAsBytes(), System.currentTimeMillis());
      FeatureView view = lookup.view();
      OnlineCodec.Vector vector;
      String fallbackReason = null;
      try {
        vector = lookup.lookup(payment.cardId()).map(FeatureLookup.Found::vector).orElse(null);
      } catch (StoreUnavailable e) {
        LOG.warn("deciding {} by the fallback: {}", payment.eventId(), e.getMessage());
        vector = null;
        fallbackReason = e.getCause() == null ? "online_store_loading" : "online_store_unavailable";
      }
      String token = lookup.token(payment.cardId());
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("event_id", payment.eventId());
      body.put("entity", token);
      body.put("tier", Prediction.SYNC);
      Prediction decision;
      if (fallbackReason != null) {
        metrics.fallback(fallbackReason);
        decision = SyncPredictions.fallback(payment, token, tenant.id(), view.features().size(), scorer.settings().modelName(),
            fallback.decision(), fallbackReason);
        body.put("decision", fallback.decision().name());
        body.put("fallback", fallbackReason);
      } else {
        // A card the store has never seen has no features: every value missing, as the model was trained to expect.
        double[] values = vector == null ? nans(view.features().size()) : vector.values();
        SyncScorer.Scored scored = scorer.score(payment.eventId(), values);
        decision = SyncPredictions.scored(payment, token, tenant.id(), vector, values, scored);
        usage.scored(tenant.id(), scored.model().label(), scored.inferenceMicros());
        ctx.attribute(MODEL, scored.model().label());
        body.put("score", scored.score());
        body.put("decision", scored.decision().name());
        body.put("model", Map.of("name", scored.model().name(), "version", scored.model().version()));
        body.put("features", vector == null ? Map.of("view", view.name(), "version", view.version(), "values", valuesJson(view, values))
            : vectorJson(view, vector));
      }
      decision.latencyMicros = (System.nanoTime() - arrived) / 1_000;
      audit.record(decision);
      json(ctx, 200, body);
    }
  }

  private void ready(Context ctx) {
    boolean store = lookup.ready();
    boolean model = scorer.ready();
    json(ctx, store && model ? 200 : 503, Map.of("online_store", store ? "ready" : "not ready", "champion", model ? "loaded" : "none"));
  }

  /** Runs a route, writes its errors, and records its latency and outcome. */
  private Handler timed(String route, Handler handler) {
    return ctx -> {
      long start = System.nanoTime();
      try {
        handler.handle(ctx);
      } catch (ApiError e) {
        error(ctx, e.status(), e.field(), e.getMessage());
      } catch (Admission.Refused e) {
        ctx.header("Retry-After", "1");
        error(ctx, 429, null, e.getMessage());
      } catch (PolicyDeniedException e) {
        error(ctx, 403, null, e.getMessage());
      } catch (StoreUnavailable | NoChampion e) {
        error(ctx, 503, null, e.getMessage());
      } catch (HttpResponseException e) {
        // Javalin's own refusals, such as 413 for a body over the size limit
        error(ctx, e.getStatus(), null, e.getMessage());
      } catch (Exception e) {
        LOG.error("{} failed", route, e);
        error(ctx, 500, null, "internal error: " + e.getClass().getSimpleName());
      } finally {
        String tenant = ctx.attribute(TENANT);
        usage.requested(tenant, ctx.attribute(MODEL));
        metrics.request(tenant == null ? "anonymous" : tenant, route, Integer.toString(ctx.statusCode()), System.nanoTime() - start);
      }
    };
  }

  private static void error(Context ctx, int status, String field, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    if (field != null) {
      body.put("field", field);
    }
    json(ctx, status, body);
  }

  private static void json(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a response body that does not serialize", e);
    }
  }

  private static Map<String, Object> vectorJson(FeatureView view, OnlineCodec.Vector v) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("view", view.name());
    body.put("version", v.viewVersion());
    body.put("valid_from", Instant.ofEpochMilli(v.validFrom()).toString());
    body.put("emitted_at", Instant.EPOCH.plusNanos(v.emittedAtMicros() * 1000).toString());
    body.put("age_ms", Math.max(0, System.currentTimeMillis() - v.emittedAtMicros() / 1000));
    body.put("values", valuesJson(view, v.values()));
    return body;
  }

  private static Map<String, Object> valuesJson(FeatureView view, double[] values) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<FeatureDef> features = view.features();
    for (int i = 0; i < values.length; i++) {
      out.put(features.get(i).name(), Double.isNaN(values[i]) ? null : values[i]);
    }
    return out;
  }

  private static double[] nans(int n) {
    double[] v = new double[n];
    Arrays.fill(v, Double.NaN);
    return v;
  }

  @Override
  public void close() {
    app.stop();
  }
}
