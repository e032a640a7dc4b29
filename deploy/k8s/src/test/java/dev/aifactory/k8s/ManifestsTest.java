package dev.aifactory.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifactory.k8s.Manifests.Manifest;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s checked without a cluster: Flink Kubernetes Operator resources against the
 * operator's own CRD schemas, Strimzi topics and core resources through their model classes,
 * and the settings the factory relies on (RocksDB, incremental checkpoints and savepoints on
 * object storage, Prometheus, real job classes and configuration keys, every topic the jobs use).
 */
class ManifestsTest {

  private static final Path REPOSITORY = Manifests.root().resolve("../..").normalize();

  /**
   * The operator API served here is 1.10, whose CRD predates Flink 2 (flinkVersion up to v1_20);
   * operator 1.13 adds v2_1 with no other change to the fields used here.
   */
  private static OpenApiSchema schema(String crd) {
    OpenApiSchema schema = OpenApiSchema.fromCrd("META-INF/fabric8/" + crd + ".flink.apache.org-v1.yml", "v1beta1");
    return crd.equals("flinkdeployments") ? schema.allowing("spec.flinkVersion", "v2_0", "v2_1") : schema;
  }

  @Test
  void everyManifestIsNamespacedLabelledAndListedInTheKustomization() {
    List<Manifest> all = Manifests.all();
    assertThat(all).hasSizeGreaterThan(15);
    for (Manifest m : all) {
      assertThat(m.document().path("apiVersion").asText()).as(m + " apiVersion").isNotBlank();
      assertThat(m.document().path("metadata").path("namespace").asText()).as(m + " namespace").isEqualTo("factory");
      assertThat(m.name()).as(m + " name is a DNS label").matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }
    Set<String> listed = new HashSet<>();
    Manifests.kustomization().path("resources").forEach(r -> listed.add(r.asText()));
    Set<String> files = Manifests.files().stream().map(f -> Manifests.root().relativize(f).toString()).collect(Collectors.toSet());
    assertThat(listed).isEqualTo(files);
  }

  @Test
  void flinkDeploymentsMatchTheOperatorsSchemaAndTheFactorysSettings() {
    OpenApiSchema schema = schema("flinkdeployments");
    List<Manifest> deployments = Manifests.ofKind("FlinkDeployment");
    assertThat(deployments).extracting(Manifest::name)
        .contains("factory-ingest", "factory-features", "factory-scoring", "factory-cost", "factory-session");
    for (Manifest m : deployments) {
      assertThat(schema.validate(m.document())).as(m.toString()).isEmpty();
      JsonNode spec = m.document().path("spec");
      assertThat(spec.path("flinkVersion").asText()).as(m + " runs Flink 2.1").isEqualTo("v2_1");
      JsonNode conf = spec.path("flinkConfiguration");
      assertThat(conf.path("state.backend.type").asText()).as(m.toString()).isEqualTo("rocksdb");
      assertThat(conf.path("state.backend.incremental").asText()).as(m.toString()).isEqualTo("true");
      assertThat(conf.path("execution.checkpointing.dir").asText()).as(m.toString()).startsWith("s3://");
      assertThat(conf.path("execution.checkpointing.savepoint-dir").asText()).as(m.toString()).startsWith("s3://");
      assertThat(conf.path("metrics.reporter.prom.factory.class").asText()).as(m.toString())
          .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
      if (spec.has("job")) {
        checkJob(m, spec.path("job"));
        assertThat(spec.path("job").path("upgradeMode").asText()).as(m + " keeps state across upgrades").isEqualTo("savepoint");
        assertThat(conf.path("high-availability.type").asText()).as(m.toString()).isEqualTo("kubernetes");
      }
    }
  }

  /** Ingest tokenizes classified fields into silver: every pod reads the same keyring, from a Secret, never from the image. */
  @Test
  void ingestMountsTheTokenKeyringFromASecretAndPassesItsPath() {
    JsonNode spec = Manifests.ofKind("FlinkDeployment").stream().filter(m -> m.name().equals("factory-ingest")).findFirst()
        .orElseThrow().document().path("spec");
    JsonNode pod = spec.path("podTemplate").path("spec");
    JsonNode volume = pod.path("volumes").get(0);
    assertThat(volume.path("secret").path("secretName").asText()).isEqualTo("factory-token-keyring");
    JsonNode mount = pod.path("containers").get(0).path("volumeMounts").get(0);
    assertThat(mount.path("name").asText()).isEqualTo(volume.path("name").asText());
    assertThat(mount.path("readOnly").asBoolean()).isTrue();
    List<String> args = new java.util.ArrayList<>();
    spec.path("job").path("args").forEach(a -> args.add(a.asText()));
    int at = args.indexOf("--governance.tokens.keyring");
    assertThat(at).as("the keyring option").isNotNegative();
    assertThat(args.get(at + 1)).startsWith(mount.path("mountPath").asText() + "/");
  }

  @Test
  void sessionJobsMatchTheSchemaAndRunOnADeclaredSessionCluster() {
    OpenApiSchema schema = schema("flinksessionjobs");
    Set<String> sessionClusters = Manifests.ofKind("FlinkDeployment").stream()
        .filter(m -> !m.document().path("spec").has("job")).map(Manifest::name).collect(Collectors.toSet());
    List<Manifest> jobs = Manifests.ofKind("FlinkSessionJob");
    assertThat(jobs).isNotEmpty();
    for (Manifest m : jobs) {
      assertThat(schema.validate(m.document())).as(m.toString()).isEmpty();
      assertThat(sessionClusters).contains(m.document().path("spec").path("deploymentName").asText());
      checkJob(m, m.document().path("spec").path("job"));
    }
  }

  @Test
  void theSchemaCheckCatchesMistakes() {
    OpenApiSchema schema = schema("flinkdeployments");
    var broken = Manifests.ofKind("FlinkDeployment").get(0).document().deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) broken.path("spec")).put("flinkVersoin", "v2_1");
    ((com.fasterxml.jackson.databind.node.ObjectNode) broken.path("spec").path("job")).put("upgradeMode", "snapshot");
    ((com.fasterxml.jackson.databind.node.ObjectNode) broken.path("spec").path("job")).put("parallelism", "four");
    assertThat(schema.validate(broken)).hasSize(3)
        .anyMatch(p -> p.contains("flinkVersoin") && p.contains("unknown field"))
        .anyMatch(p -> p.contains("upgradeMode") && p.contains("not one of"))
        .anyMatch(p -> p.contains("parallelism") && p.contains("integer"));
  }

  @Test
  void kafkaTopicsAreStrimziTopicsForEveryTopicTheJobsUse() throws Exception {
    ObjectMapper strict = Manifests.YAML.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    Set<String> declared = new HashSet<>();
    for (Manifest m : Manifests.ofKind("KafkaTopic")) {
      KafkaTopic topic = strict.treeToValue(m.document(), KafkaTopic.class);
      assertThat(unknownFields(topic)).as(m.toString()).isEmpty();
      assertThat(topic.getMetadata().getLabels()).as(m.toString()).containsEntry("strimzi.io/cluster", "factory");
      int minIsr = Integer.parseInt(String.valueOf(topic.getSpec().getConfig().get("min.insync.replicas")));
      assertThat(topic.getSpec().getReplicas()).as(m + " survives a broker loss").isGreaterThan(minIsr);
      declared.add(topic.getSpec().getTopicName());
    }
    assertThat(declared).containsAll(topicsTheJobsUse());
  }

  @Test
  void gatewayResourcesAreValidAndWiredTogether() throws Exception {
    ObjectMapper mapper = Manifests.YAML;
    Deployment gateway = mapper.treeToValue(single("Deployment", "sql-gateway").document(), Deployment.class);
    Service service = mapper.treeToValue(single("Service", "sql-gateway").document(), Service.class);
    PersistentVolumeClaim claim = mapper.treeToValue(single("PersistentVolumeClaim", "sql-gateway").document(), PersistentVolumeClaim.class);
    Job views = mapper.treeToValue(single("Job", "sql-views").document(), Job.class);
    for (KubernetesResource r : List.of(gateway, service, claim, views)) {
      assertThat(unknownFields(r)).as(r.getClass().getSimpleName()).isEmpty();
    }
    assertThat(gateway.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(gateway.getSpec().getSelector().getMatchLabels()).isEqualTo(service.getSpec().getSelector());
    var container = gateway.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getArgs()).contains("-Dtable.catalog-store.kind=file", "-Dexecution.target=remote");
    assertThat(container.getVolumeMounts().get(0).getMountPath()).isEqualTo("/var/lib/factory");
    assertThat(gateway.getSpec().getTemplate().getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
        .isEqualTo(claim.getMetadata().getName());
    // Consumers reach the governed endpoint; deploy/sql goes through the plain one, which only the views Job may reach.
    assertThat(container.getArgs()).contains("-Dsql-gateway.endpoint.type=[factory-governed, rest]",
        "-Dsql-gateway.endpoint.factory-governed.port=8083", "-Dsql-gateway.endpoint.rest.port=8093");
    assertThat(service.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(8083);
    Service admin = mapper.treeToValue(single("Service", "sql-gateway-admin").document(), Service.class);
    assertThat(unknownFields(admin)).isEmpty();
    assertThat(admin.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(8093);
    assertThat(views.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .contains("http://" + admin.getMetadata().getName() + ".factory.svc:8093");
    var policy = single("NetworkPolicy", "sql-gateway-admin").document().path("spec");
    assertThat(policy.path("podSelector").path("matchLabels")).isEqualTo(mapper.valueToTree(service.getSpec().getSelector()));
    var adminIngress = policy.path("ingress").get(1);
    assertThat(adminIngress.path("ports").get(0).path("port").asInt()).isEqualTo(8093);
    assertThat(adminIngress.path("from").get(0).path("podSelector").path("matchLabels").path("app.kubernetes.io/component").asText())
        .isEqualTo(views.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/component"));
  }

  @Test
  void servingReadsItsSecretsFromMountedFilesAndOnlyKeysItKnows() throws Exception {
    ObjectMapper mapper = Manifests.YAML;
    Deployment serving = mapper.treeToValue(single("Deployment", "serving").document(), Deployment.class);
    Service service = mapper.treeToValue(single("Service", "serving").document(), Service.class);
    for (KubernetesResource r : List.of(serving, service)) {
      assertThat(unknownFields(r)).as(r.getClass().getSimpleName()).isEmpty();
    }
    assertThat(serving.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(service.getSpec().getSelector());
    var pod = serving.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    assertThat(container.getCommand()).contains("dev.aifactory.serving.ServingMain");
    assertThat(REPOSITORY.resolve("deploy/serving/src/main/java/dev/aifactory/serving/ServingMain.java")).exists();
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
    assertThat(service.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo(container.getPorts().get(0).getName());

    List<String> args = container.getArgs();
    Properties defaults = new Properties();
    try (InputStream in = Files.newInputStream(REPOSITORY.resolve("deploy/serving/src/main/resources/serving-defaults.properties"))) {
      defaults.load(in);
    }
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < args.size(); i += 2) {
      String k = args.get(i).substring(2);
      if (!k.startsWith("iceberg.catalog.") && !defaults.containsKey(k)) {
        unknown.add(k);
      }
    }
    assertThat(unknown).as("serving arguments not in serving-defaults.properties").isEmpty();
    // Every file the service reads is on a read-only mount of a Secret, and no secret is an argument.
    Map<String, String> secretByMount = new java.util.HashMap<>();
    container.getVolumeMounts().forEach(mount -> {
      assertThat(mount.getReadOnly()).as(mount.getName()).isTrue();
      var volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
      secretByMount.put(mount.getMountPath(), volume.getSecret().getSecretName());
    });
    for (String option : List.of("--serving.tenants.file", "--governance.tokens.keyring", "--online.redis.password-file")) {
      String file = args.get(args.indexOf(option) + 1);
      assertThat(secretByMount.keySet()).as(option).anyMatch(mountPath -> file.startsWith(mountPath + "/"));
    }
    assertThat(secretByMount.values()).contains("factory-serving-tenants", "factory-token-keyring", "factory-redis");
    assertThat(args).noneMatch(a -> a.contains("password=") || a.contains("@factory-redis"));
  }

  // --- helpers -----------------------------------------------------------------------------

  private static Manifest single(String kind, String component) {
    List<Manifest> found = Manifests.ofKind(kind).stream()
        .filter(m -> component.equals(m.document().path("metadata").path("labels").path("app.kubernetes.io/component").asText()))
        .toList();
    assertThat(found).as(kind + " " + component).hasSize(1);
    return found.get(0);
  }

  /** A job's class exists in the repository and every --key argument is a key the job reads. */
  private static void checkJob(Manifest m, JsonNode job) {
    String entryClass = job.path("entryClass").asText();
    String module = entryClass.split("\\.")[2];
    assertThat(REPOSITORY.resolve("jobs").resolve(module).resolve("src/main/java").resolve(entryClass.replace('.', '/') + ".java"))
        .as(m + " entry class").exists();
    assertThat(job.path("jarURI").asText()).as(m.toString()).isEqualTo("local:///opt/flink/usrlib/" + module + "-job.jar");
    Set<String> keys = defaultsKeys(module);
    List<String> unknown = new ArrayList<>();
    JsonNode args = job.path("args");
    for (int i = 0; i < args.size(); i += 2) {
      String key = args.get(i).asText();
      assertThat(key).as(m + " argument " + i).startsWith("--");
      String k = key.substring(2);
      boolean passThrough = Stream.of("flink.", "kafka.producer.", "kafka.consumer.", "iceberg.catalog.", "hadoop.")
          .anyMatch(k::startsWith);
      if (!passThrough && !keys.contains(k) && !readInCode(module, k)) {
        unknown.add(k);
      }
      assertThat(i + 1).as(m + " value for " + key).isLessThan(args.size());
    }
    assertThat(unknown).as(m + " arguments no job reads").isEmpty();
  }

  private static Set<String> defaultsKeys(String module) {
    return defaults(module).stringPropertyNames();
  }

  /** A job's bundled defaults (jobs/<module>/src/main/resources/<module>-defaults.properties). */
  private static Properties defaults(String module) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(REPOSITORY.resolve("jobs").resolve(module)
        .resolve("src/main/resources").resolve(module + "-defaults.properties"))) {
      p.load(in);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return p;
  }

  /** Keys with a fallback in code (config.get("key", default)) are not in the defaults file. */
  private static boolean readInCode(String module, String key) {
    try (Stream<Path> sources = Files.walk(REPOSITORY.resolve("jobs"))) {
      return sources.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/"))
          .anyMatch(p -> {
            try {
              return Files.readString(p).contains("\"" + key + "\"");
            } catch (IOException e) {
              return false;
            }
          });
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Set<String> topicsTheJobsUse() {
    Set<String> topics = new HashSet<>(Set.of("raw.transactions", "raw.labels", "silver.transactions", "silver.labels",
        "features.card_id"));
    for (String module : List.of("ingest", "features", "scoring", "cost")) {
      Properties p = defaults(module);
      p.stringPropertyNames().stream().filter(k -> k.endsWith(".topic") && !p.getProperty(k).isBlank())
          .forEach(k -> topics.add(p.getProperty(k)));
    }
    return topics;
  }

  /**
   * Fields the model classes did not know: fabric8 and Strimzi models keep them in
   * additionalProperties instead of failing, so walk the object graph and collect them.
   */
  static List<String> unknownFields(Object resource) {
    List<String> found = new ArrayList<>();
    walk(resource, "", found, new IdentityHashMap<>());
    return found;
  }

  private static void walk(Object o, String path, List<String> found, Map<Object, Boolean> seen) {
    if (o == null || seen.put(o, Boolean.TRUE) != null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object item : c) {
        walk(item, path + "[" + i++ + "]", found, seen);
      }
      return;
    }
    Package pkg = o.getClass().getPackage();
    if (pkg == null || !(pkg.getName().startsWith("io.fabric8") || pkg.getName().startsWith("io.strimzi"))) {
      return;
    }
    for (Method method : o.getClass().getMethods()) {
      if (method.getParameterCount() != 0 || !method.getName().startsWith("get") || method.getName().equals("getClass")) {
        continue;
      }
      try {
        Object value = method.invoke(o);
        if (method.getName().equals("getAdditionalProperties")) {
          if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
            found.add(path + " " + extra.keySet());
          }
        } else {
          walk(value, path + "." + method.getName().substring(3), found, seen);
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        // a derived getter that needs state the document does not carry: not a field
      }
    }
  }
}
