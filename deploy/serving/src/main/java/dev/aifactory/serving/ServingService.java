package dev.aifactory.serving;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.policy.JobRole;
import dev.aifactory.common.policy.Policy;
import dev.aifactory.features.FeaturesJobMain;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.definition.ViewClassification;
import dev.aifactory.features.online.LocalOnlineStore;
import dev.aifactory.features.online.OnlineCodec;
import dev.aifactory.features.online.OnlineStore;
import dev.aifactory.features.online.OnlineTopicMaterializer;
import dev.aifactory.features.online.RedisOnlineStore;
import dev.aifactory.features.online.RedisSettings;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.registry.ModelRegistry;
import dev.aifactory.schemas.tokens.Keyring;
import dev.aifactory.scoring.model.Decision;
import dev.aifactory.scoring.operator.ScoringSettings;
import dev.aifactory.scoring.review.ReviewCases;
import dev.aifactory.common.kafka.KafkaTopics;
import dev.aifactory.scoring.sink.ServedPredictions;
import dev.aifactory.serving.api.ServingApi;
import dev.aifactory.serving.api.TenantGate;
import dev.aifactory.serving.audit.DecisionAudit;
import dev.aifactory.serving.audit.UsageMeter;
import dev.aifactory.serving.lookup.FeatureLookup;
import dev.aifactory.serving.metrics.ServingMetrics;
import dev.aifactory.serving.score.ModelUpdates;
import dev.aifactory.serving.score.SyncScorer;
import dev.aifactory.serving.tenant.Tenants;
import dev.aifactory.serving.tenant.TenantsFileWatch;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving API wired from configuration ({@code serving-defaults.properties}, overridden by
 * {@code --key=value}): the online store (Redis with {@code online.store=redis}, else the
 * embedded store materialized from the online topic), the champion from the registry with hot
 * swap from the control topic, the tenants, the audit producer, and the HTTP server.
 */
public final class ServingService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServingService.class);

  private final List<AutoCloseable> parts;
  private final ServingApi api;

  private ServingService(List<AutoCloseable> parts, ServingApi api) {
    this.parts = parts;
    this.api = api;
  }

  public static ServingService start(JobConfig config) throws Exception {
    List<AutoCloseable> parts = new ArrayList<>();
    try {
      FeatureView view = FeatureViews.load(config.get("serving.view"));
      Set<String> classes = ViewClassification.sourceClasses(view);
      // The API reads gold-zone vectors (aggregates of protected silver) and the model registry.
      JobRole.requireReads(config, "serving", Map.of("gold", classes, "models", Set.of()));
      String bootstrap = config.get("kafka.bootstrap.servers");

      OnlineStore store = onlineStore(config, view, bootstrap, parts);
      Keyring keyring = Keyring.load(Path.of(required(config, "governance.tokens.keyring")));
      FeatureLookup lookup = new FeatureLookup(store, view, keyring);

      SyncScorer scorer = new SyncScorer(ScoringSettings.from(config), view);
      parts.add(scorer);
      Instant registryRead = Instant.now();
      loadChampion(config, scorer);
      parts.add(new ModelUpdates(bootstrap, config.properties("kafka.consumer."), config.get("models.control.topic"),
          registryRead, scorer));

      Path tenantsFile = Path.of(required(config, "serving.tenants.file"));
      TenantGate gate = new TenantGate(Tenants.load(tenantsFile), Policy.from(config), classes);
      parts.add(new TenantsFileWatch(tenantsFile, config.getDuration("serving.tenants.reload-interval", Duration.ofSeconds(5)),
          gate::replace));
      String decisionsTopic = config.get("serving.decisions.topic", ServedPredictions.DEFAULT_TOPIC);
      String reviewTopic = config.get("serving.review.topic", ReviewCases.DEFAULT_TOPIC);
      // Created when missing (as the scoring job does): a record sent to a missing topic is lost to the audit.
      for (String topic : List.of(decisionsTopic, reviewTopic)) {
        KafkaTopics.ensure(config, topic, 2, (short) config.getInt("serving.topics.replication-factor", 1), Map.of());
      }
      DecisionAudit audit = new DecisionAudit(bootstrap, config.properties("kafka.producer."), decisionsTopic, reviewTopic,
          scorer.settings(), view);
      parts.add(audit);
      ServingApi.Fallback fallback = new ServingApi.Fallback(
          Decision.valueOf(config.get("serving.fallback.decision", "REVIEW").toUpperCase(Locale.ROOT)));
      UsageMeter usage = new UsageMeter(bootstrap, config.properties("kafka.producer."), config.get("serving.usage.topic"),
          config.get("serving.job-name", "factory-serving"), config.getDuration("serving.usage.interval", Duration.ofSeconds(10)),
          config.get("serving.team", "platform"), capacityCores(config));
      parts.add(usage);
      ServingApi api = new ServingApi(lookup, scorer, gate, fallback, audit, usage, new ServingMetrics(),
          config.getInt("serving.http.max-threads", 32))
          .start(config.get("serving.host", "127.0.0.1"), config.getInt("serving.port", 8088));
      LOG.info("serving {} on port {} (online store: {}, fallback decision: {})", view.id(), api.port(),
          config.get("online.store", "topic"), fallback.decision());
      return new ServingService(parts, api);
    } catch (Exception | Error e) {
      closeAll(parts);
      throw e;
    }
  }

  /** The cores the process may use: configured (its CPU request or limit), else the JVM's view of the machine. */
  private static double capacityCores(JobConfig config) {
    double configured = Double.parseDouble(config.get("serving.cpu.capacity-cores", "0"));
    return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
  }

  public int port() {
    return api.port();
  }

  private static OnlineStore onlineStore(JobConfig config, FeatureView view, String bootstrap, List<AutoCloseable> parts)
      throws java.io.IOException {
    RedisSettings redis = RedisSettings.from(config, Duration.ofMillis(view.ttlMillis()));
    if (redis != null) {
      RedisOnlineStore store = new RedisOnlineStore(redis);
      parts.add(store);
      return store;
    }
    LocalOnlineStore store = new LocalOnlineStore();
    parts.add(store);
    parts.add(new OnlineTopicMaterializer(bootstrap, config.properties("kafka.consumer."), FeaturesJobMain.onlineTopic(config, view),
        List.of(new OnlineCodec(view)), store));
    return store;
  }

  /** The registry's champion, if the registry has one; without it the API is not ready until one arrives on the control topic. */
  private static void loadChampion(JobConfig config, SyncScorer scorer) {
    String model = scorer.settings().modelName();
    try {
      ModelRegistry.openExisting(IcebergCatalogs.loader(config).loadCatalog()).current(model, ModelStage.CHAMPION)
          .ifPresentOrElse(v -> LOG.info("champion {}: {}", v.label(), scorer.apply(v)),
              () -> LOG.warn("the registry has no champion of {} yet: not ready until one is promoted", model));
    } catch (RuntimeException e) {
      LOG.warn("cannot read the model registry ({}): not ready until a champion arrives on the control topic", e.toString());
    }
  }

  private static String required(JobConfig config, String key) {
    String value = config.get(key, "");
    if (value.isBlank()) {
      throw new IllegalArgumentException("set " + key);
    }
    return value;
  }

  private static void closeAll(List<AutoCloseable> parts) {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", parts.get(i).getClass().getSimpleName(), e.toString());
      }
    }
  }

  @Override
  public void close() {
    api.close();
    closeAll(parts);
  }
}
