package dev.aifactory.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.generator.GeneratedMessage.Kind;
import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.features.consistency.OfflineVectors;
import dev.aifactory.features.consistency.OnlineOfflineConsistency;
import dev.aifactory.features.consistency.SilverEvents;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.model.FeatureInput;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.sink.FeatureTables;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.telemetry.Usage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The ingest and features jobs on a real session cluster started by deploy/local's scripts: a
 * JobManager and two TaskManager processes, a Kafka broker process, jobs submitted as their
 * shaded jars through the REST API at parallelism 2. One TaskManager is killed mid-stream and a
 * new one started; the tables must hold every event exactly once and the online topic must end
 * where an uninterrupted run ends. Then an upgrade: stop with a savepoint, restore, and the
 * deduplication state must still know every event id it saw.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SessionClusterEndToEndTest {

  static final String TX = "raw.transactions";
  static final String LABELS = "raw.labels";
  static final Duration SETTLE = Duration.ofMinutes(4);

  static LocalStack stack;
  static KafkaTopics kafka;
  static Catalog catalog;
  static FlinkRestClient flink;
  static final List<GeneratedMessage> sent = new ArrayList<>();
  static PaymentsGenerator generator;
  static String ingestJob;
  static String featuresJob;

  @BeforeAll
  static void startTheStack() throws Exception {
    Path repository = Path.of("../..").toAbsolutePath().normalize();
    Path dir = repository.resolve("deploy/launcher/target/session-cluster-test");
    org.apache.commons.io.FileUtils.deleteDirectory(dir.toFile());
    // 3 slots per TaskManager: ingest, features and the reference run of features, 2 slots each
    stack = new LocalStack(repository, dir, 2, 3, "2 s");
    stack.startWithoutGateway();
    kafka = new KafkaTopics(stack.bootstrapServers());
    // raw.transactions and raw.labels, 2 partitions each: created by the stack (deploy/local/topics.txt).
    catalog = IcebergCatalogs.local(stack.warehouse()).loadCatalog();
    flink = stack.flink();
    // As production sends them: payments stamped when they happen (live), with the generator's
    // duplicates, malformed records and late payments (10 to 70 min behind). Whether a late one
    // still counts is judged by when it arrived, so the run killed mid-stream and the
    // uninterrupted reference must keep and refuse the same ones.
    generator = new PaymentsGenerator(GeneratorSettings.defaults().withSeed(7), TX, LABELS).live();
  }

  @AfterAll
  static void stopTheStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void jobsOnTheClusterSurviveATaskManagerKillExactlyOnce() throws Exception {
    send(3_000, 0);
    ingestJob = submit("ingest", ingestOptions());
    featuresJob = submit("features", featuresOptions("factory-features", "features.", stack.warehouse()));
    await("both jobs running with a completed checkpoint", () -> completedCheckpoints(ingestJob) > 0
        && completedCheckpoints(featuresJob) > 0, SETTLE);

    // A TaskManager running subtasks of both jobs (slots are spread: taskmanager.load-balance.mode).
    Set<String> shared = new HashSet<>(flink.taskManagersOf(ingestJob));
    shared.retainAll(flink.taskManagersOf(featuresJob));
    assertThat(shared).as("a TaskManager running both jobs").isNotEmpty();
    int victim = stack.taskManagerNumber(shared.iterator().next());

    // The second half arrives while that TaskManager dies and a new one joins.
    Thread producer = new Thread(() -> send(3_000, 600));
    producer.start();
    Thread.sleep(1_500);
    stack.killTaskManager(victim);
    stack.startTaskManager();
    producer.join();
    assertThat(flink.get("/taskmanagers").path("taskmanagers").size()).as("the replacement registered").isEqualTo(2);

    awaitIngestCaughtUp();
    await("both jobs restored from a checkpoint", () -> restores(ingestJob) > 0 && restores(featuresJob) > 0, SETTLE);
    assertExactlyOnceInBronzeAndSilver();

    Map<String, OnlineOfflineConsistency.OnlineVector> afterFault = settledOnlineVectors(featuresJob, "factory-features",
        "features.card_id");
    String reference = submit("features", featuresOptions("reference-features", "reference.",
        stack.warehouse().resolveSibling("reference-warehouse")));
    Map<String, OnlineOfflineConsistency.OnlineVector> uninterrupted = settledOnlineVectors(reference, "reference-features",
        "reference.card_id");
    flink.cancel(reference);

    assertThat(afterFault).hasSizeGreaterThan(500);
    // Every card, late payments included: after a restore the partitions are read at different
    // paces, but what counts is judged against each card's own events, so the runs agree.
    List<String> differences = new ArrayList<>();
    Set<String> cards = new java.util.TreeSet<>(afterFault.keySet());
    cards.addAll(uninterrupted.keySet());
    for (String card : cards) {
      if (!java.util.Objects.equals(afterFault.get(card), uninterrupted.get(card))) {
        differences.add(card + ": after fault " + afterFault.get(card) + " / uninterrupted " + uninterrupted.get(card));
      }
    }
    assertThat(differences.size()).as("cards whose newest online vector differs after the kill from an uninterrupted run,"
        + " of %d; for example %s", cards.size(), differences.stream().limit(3).toList()).isZero();
    Catalog referenceCatalog = IcebergCatalogs.local(stack.warehouse().resolveSibling("reference-warehouse")).loadCatalog();
    assertThat(lateEventIds(catalog)).as("late payments refused after the kill, as by the uninterrupted run")
        .isNotEmpty().isEqualTo(lateEventIds(referenceCatalog));

    assertRedeliveriesChangedNothing();
    assertNoRawCardIdDownstreamOfBronze(afterFault.keySet());
    assertTheServingApiServesWhatTheJobWrote(afterFault);
  }

  /**
   * The serving API, as shipped (its embedded store built from the online topic the features job
   * on the cluster wrote), answers each card's lookup over HTTP with the card's newest vector.
   */
  private static void assertTheServingApiServesWhatTheJobWrote(Map<String, OnlineOfflineConsistency.OnlineVector> online)
      throws Exception {
    Path tenants = stack.warehouse().resolveSibling("serving-tenants.yaml");
    String key = "cluster-test-" + System.nanoTime();
    java.nio.file.Files.writeString(tenants, "tenants:\n  - {id: ops, pool: internal, rate_per_second: 100000, scopes: [features],"
        + " key_sha256: [" + dev.aifactory.serving.tenant.Tenants.sha256(key) + "]}\n");
    dev.aifactory.common.JobConfig config = dev.aifactory.common.JobConfig.load("serving-defaults.properties",
        "--kafka.bootstrap.servers", stack.bootstrapServers(), "--iceberg.catalog.warehouse", stack.warehouse().toString(),
        "--serving.port", "0", "--serving.tenants.file", tenants.toString(),
        "--governance.tokens.keyring", stack.tokenKeyring().toString());
    FeatureView view = FeatureViews.load("card_activity");
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    try (dev.aifactory.serving.ServingService service = dev.aifactory.serving.ServingService.start(config)) {
      List<String> cards = new ArrayList<>(new java.util.TreeSet<>(online.keySet())).subList(0, Math.min(50, online.size()));
      for (String card : cards) {
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + service.port() + "/v1/features/" + view.name() + "/" + card);
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(uri).header("X-Api-Key", key).build();
        String[] body = new String[1];
        await("the API to serve " + card, () -> {
          try {
            java.net.http.HttpResponse<String> r = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            body[0] = r.body();
            return r.statusCode() == 200; // 503 while the embedded store is still reading the topic
          } catch (Exception e) {
            return false;
          }
        }, Duration.ofSeconds(60));
        com.fasterxml.jackson.databind.JsonNode served = json.readTree(body[0]);
        OnlineOfflineConsistency.OnlineVector expected = online.get(card);
        assertThat(Instant.parse(served.get("valid_from").asText()).toEpochMilli()).as(card).isEqualTo(expected.validFrom());
        for (var f : view.features()) {
          Object want = expected.values().get(f.name());
          com.fasterxml.jackson.databind.JsonNode got = served.get("values").get(f.name());
          if (want == null) {
            assertThat(got.isNull()).as("%s of %s", f.name(), card).isTrue();
          } else {
            assertThat(got.asDouble()).as("%s of %s", f.name(), card).isEqualTo(((Number) want).doubleValue());
          }
        }
      }
    }
  }

  /**
   * Ingest tokenizes card ids on their way to silver (the shipped keyring, the shipped
   * classification): bronze holds them as sent, and nothing the features job wrote does.
   */
  private static void assertNoRawCardIdDownstreamOfBronze(Set<String> onlineKeys) {
    java.util.regex.Pattern raw = java.util.regex.Pattern.compile("card-\\d{6}");
    assertThat(read(IngestTables.bronze("transactions"))).as("the data does carry raw card ids")
        .anyMatch(r -> raw.matcher(String.valueOf(r.getField("card_id"))).matches());
    assertThat(read(IngestTables.silver("transactions"))).allSatisfy(r ->
        assertThat(dev.aifactory.schemas.tokens.Tokenizer.isToken((String) r.getField("card_id"))).as("silver %s", r.getField("card_id")).isTrue());
    assertThat(onlineKeys).isNotEmpty().allSatisfy(k -> assertThat(dev.aifactory.schemas.tokens.Tokenizer.isToken(k)).as("online key %s", k).isTrue());
    FeatureView view = FeatureViews.load("card_activity");
    for (TableIdentifier gold : List.of(FeatureTables.history(view), TableIdentifier.of("gold", "features_late"))) {
      assertThat(read(gold)).allSatisfy(r -> assertThat(String.valueOf(r.getField("entity"))).as(gold.toString()).doesNotMatch(raw));
    }
  }

  /**
   * The kill made ingest send silver records again (at least once, as shipped). The features job
   * must have served each event exactly once (or recorded it as too late), every served vector the window rule over the events
   * of its card that had arrived before it (the silver table holds each event once), whatever
   * came twice on the topic.
   */
  private static void assertRedeliveriesChangedNothing() {
    long redelivered = silverTopicIds().values().stream().filter(n -> n > 1).count();
    assertThat(redelivered).as("silver records ingest sent again after the kill").isPositive();

    FeatureView view = FeatureViews.load("card_activity");
    // Every silver event is served once, or recorded as too late to keep (see above).
    Set<String> silverIds = new HashSet<>(expectedSilverIds());
    read(TableIdentifier.of("gold", "features_late")).forEach(r -> silverIds.remove((String) r.getField("event_id")));
    await("every event's row in the history", () -> read(FeatureTables.history(view)).stream()
        .filter(r -> FeatureRow.EVENT.equals(r.getField("row_kind"))).map(r -> r.getField("event_id"))
        .collect(Collectors.toSet()).containsAll(silverIds), SETTLE);
    List<Record> served = read(FeatureTables.history(view)).stream()
        .filter(r -> FeatureRow.EVENT.equals(r.getField("row_kind"))).toList();
    assertThat(served.stream().map(r -> r.getField("event_id")).toList()).as("one row per event, none for a redelivery")
        .doesNotHaveDuplicates().hasSize(silverIds.size());

    Map<String, List<FeatureInput>> byCard = SilverEvents.read(view, catalog.loadTable(IngestTables.silver("transactions")), null);
    Map<String, FeatureInput> byId = new HashMap<>();
    byCard.values().forEach(events -> events.forEach(e -> byId.put(e.eventId, e)));
    OfflineVectors offline = new OfflineVectors(view);
    Map<String, List<Record>> arrivals = served.stream()
        .sorted(java.util.Comparator.comparing((Record r) -> (java.time.OffsetDateTime) r.getField("emitted_at")))
        .collect(Collectors.groupingBy(r -> (String) r.getField("entity")));
    for (List<Record> rows : arrivals.values()) {
      List<FeatureInput> arrived = new ArrayList<>();
      for (Record row : rows) {
        FeatureInput e = byId.get((String) row.getField("event_id"));
        arrived.add(e);
        double[] values = view.features().stream().mapToDouble(f -> row.getField(f.name()) == null ? Double.NaN
            : ((Number) row.getField(f.name())).doubleValue()).toArray();
        assertThat(values).as("%s served as it arrived", e.eventId).containsExactly(offline.asOf(e.eventTime, e.eventId, arrived));
      }
    }
  }

  /** The event ids a features run recorded as too late to count, in its gold.features_late. */
  private static Set<String> lateEventIds(Catalog in) {
    return read(in, TableIdentifier.of("gold", "features_late")).stream()
        .filter(r -> dev.aifactory.features.model.DroppedEvent.LATE.equals(r.getField("reason")))
        .map(r -> (String) r.getField("event_id")).collect(Collectors.toSet());
  }

  /** How many times each event id is on the silver topic (its key). */
  private static Map<String, Long> silverTopicIds() {
    return kafka.readAll("silver.transactions").stream()
        .collect(Collectors.groupingBy(r -> new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), Collectors.counting()));
  }

  @Test
  @Order(2)
  void stopWithASavepointAndRestoreKeepsTheDeduplicationState() throws Exception {
    String savepoint = flink.stopWithSavepoint(ingestJob, null, false, Duration.ofMinutes(2));
    assertThat(savepoint).contains(stack.savepoints().getFileName().toString());
    assertThat(flink.state(ingestJob)).isEqualTo("FINISHED");

    // Re-send events the job saw before the savepoint, plus new ones, while it is down.
    List<GeneratedMessage> seenBefore = sent.stream()
        .filter(m -> m.topic().equals(TX) && m.kind() == Kind.TRANSACTION).limit(200).toList();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      seenBefore.forEach(m -> producer.send(new ProducerRecord<>(m.topic(), null, m.timestamp(), m.key(), m.value())));
    }
    send(1_000, 0);

    ingestJob = submitFrom("ingest", savepoint, ingestOptions());
    awaitIngestCaughtUp();
    assertThat(flink.checkpoints(ingestJob).path("latest").path("restored").path("external_path").asText())
        .isEqualTo(savepoint);
    // Exactly once still: the re-sent events were recognised as duplicates by the restored state.
    assertExactlyOnceInBronzeAndSilver();
  }

  /**
   * A newer build from an older state layout, on the cluster: savepoints/layouts/cost/v1 was
   * written by the cost job before {@code Sample} (keyed state) gained {@code fbUsedMib}. This
   * build restores it, the half hour of samples held in state plus the rest of the hour from
   * Kafka close the hour window with all of them, and only the new samples carry the new field.
   * The samples are those of the layout writer (savepoints' CostLayoutFixture).
   */
  @Test
  @Order(3)
  void aNewerCostBuildRestoresAnOlderStateLayout() throws Exception {
    // telemetry.usage, cost.prices and alerts.cost: created by the stack (deploy/local/topics.txt).
    Path v1 = Path.of("../../savepoints/layouts/cost/v1").toAbsolutePath().normalize();
    List<String> options = List.of("--kafka.bootstrap.servers", stack.bootstrapServers(),
        "--iceberg.catalog.warehouse", stack.warehouse().toString(),
        "--cost.starting-offsets", "earliest",
        "--cost.watermark.idleness", "5s",
        "--flink.execution.checkpointing.interval", "2s");
    JobJars.JobJar jar = JobJars.of("cost", Path.of("../..").toAbsolutePath().normalize(), null);
    String cost = flink.run(flink.uploadOnce(jar.jar()), jar.entryClass(), 1, options, v1.toUri().toString(), true);
    await("cost running", () -> flink.allTasksRunning(cost), SETTLE);

    long t0 = 1_772_323_200_000L;
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int i = 180; i < 390; i++) { // the layout holds samples 0..179
        Usage u = Usage.newBuilder().setEventId("gpu-0-" + i).setEventTime(Instant.ofEpochMilli(t0 + i * 10_000L))
            .setResourceId("gpu-0").setResourceType("gpu").setAcceleratorType("H200").setGpuUtilPct((double) ((i * 37) % 100))
            .setPowerW(300.0 + (i % 7) * 50).setEnergyMj(1_000_000L + i * 4_000_000L).setMemoryGb(64.0)
            .setFbUsedMib(30_000.0 - i * 10).setTeam("risk").setWorkloadClass("online_inference").setJob("scoring")
            .setModel("fraud:1").build();
        producer.send(new ProducerRecord<>("telemetry.usage", null, t0 + i * 10_000L, "gpu-0".getBytes(), AvroWire.singleObject(u)));
      }
    }
    TableIdentifier utilization = TableIdentifier.of("gold", "cost_utilization");
    await("the hour window of gpu-0", () -> hourOfGpu0(utilization, t0) != null, SETTLE);
    Record hour = hourOfGpu0(utilization, t0);
    flink.cancel(cost);
    assertThat(flink.checkpoints(cost).path("latest").path("restored").path("external_path").asText()).contains("layouts/cost/v1");
    assertThat(hour.getField("samples")).as("180 samples restored from the v1 layout + 180 from Kafka").isEqualTo(360);
    assertThat(hour.getField("gpu_memory_used_mib_max")).as("only samples read by this build carry the new field")
        .isEqualTo(30_000.0 - 180 * 10);
  }

  private static Record hourOfGpu0(TableIdentifier table, long t0) {
    return read(table).stream()
        .filter(r -> "gpu-0".equals(r.getField("resource_id")))
        .filter(r -> ((java.time.OffsetDateTime) r.getField("window_start")).toInstant().toEpochMilli() == t0)
        .filter(r -> ((java.time.OffsetDateTime) r.getField("window_end")).toInstant().toEpochMilli() == t0 + 3_600_000L)
        .findFirst().orElse(null);
  }

  // --- the jobs ---------------------------------------------------------------------------

  /**
   * Ingest as it ships: exactly once into Iceberg, at least once onto the silver topic (visible
   * at once, for real-time scoring), so the kill makes it send silver records again.
   */
  private static List<String> ingestOptions() {
    return List.of("--kafka.bootstrap.servers", stack.bootstrapServers(),
        "--iceberg.catalog.warehouse", stack.warehouse().toString(),
        "--governance.tokens.keyring", stack.tokenKeyring().toString(),
        "--ingest.starting-offsets", "earliest",
        "--flink.execution.checkpointing.interval", "2s");
  }

  private static List<String> featuresOptions(String group, String onlinePrefix, Path warehouse) {
    return List.of("--kafka.bootstrap.servers", stack.bootstrapServers(),
        "--iceberg.catalog.warehouse", warehouse.toString(),
        "--features.starting-offsets", "earliest",
        "--features.group-id", group,
        "--features.online.topic-prefix", onlinePrefix,
        "--features.online.partitions", "2",
        // 2 s checkpoints, not the shipped 10 s, only to keep CI short: the kill waits for one to
        // complete. The watermark and idleness settings are the shipped ones. FaultMatrixTest runs
        // ingest with the shipped 10 s checkpoints.
        "--flink.execution.checkpointing.interval", "2s");
  }

  private static String submit(String job, List<String> options) {
    return submitFrom(job, null, options);
  }

  private static String submitFrom(String job, String savepoint, List<String> options) {
    JobJars.JobJar jar = JobJars.of(job, Path.of("../..").toAbsolutePath().normalize(), null);
    String jobId = flink.run(flink.uploadOnce(jar.jar()), jar.entryClass(), 2, options, savepoint, false);
    await(job + " running", () -> flink.allTasksRunning(jobId), SETTLE);
    return jobId;
  }

  private static long completedCheckpoints(String jobId) {
    return flink.checkpoints(jobId).path("counts").path("completed").asLong();
  }

  private static long restores(String jobId) {
    return flink.checkpoints(jobId).path("counts").path("restored").asLong();
  }

  // --- input --------------------------------------------------------------------------------

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", stack.bootstrapServers());
    p.put("acks", "all");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * The cost job as the README runs it on the local stack: its topics created by the stack, fed
   * live by the telemetry adapter from a DCGM exporter endpoint, with the shipped watermark,
   * idleness, window and lateness settings. Its FOCUS rows and a budget alert must appear, and
   * no live sample may be rejected.
   */
  @Test
  @Order(5)
  void theCostJobFedByTheTelemetryAdapterWritesFocusRowsAndRaisesABudgetAlert() throws Exception {
    com.sun.net.httpserver.HttpServer exporter = DcgmExporter.start();
    List<String> options = List.of("--kafka.bootstrap.servers", stack.bootstrapServers(),
        "--iceberg.catalog.warehouse", stack.warehouse().toString(),
        "--cost.group-id", "cost-live",
        "--cost.starting-offsets", "latest",
        // A budget any GPU-hour breaks: the burn-rate alert must fire on the first window.
        "--cost.budget.risk.online_inference", "0.01",
        "--flink.execution.checkpointing.interval", "2s");
    JobJars.JobJar jar = JobJars.of("cost", Path.of("../..").toAbsolutePath().normalize(), null);
    String cost = flink.run(flink.uploadOnce(jar.jar()), jar.entryClass(), 1, options, null, false);
    await("cost running", () -> flink.allTasksRunning(cost), SETTLE);
    long started = System.currentTimeMillis();
    var adapter = new dev.aifactory.cost.telemetry.TelemetryAdapter(
        java.net.URI.create("http://127.0.0.1:" + exporter.getAddress().getPort() + "/metrics"), stack.bootstrapServers(),
        "telemetry.usage", new dev.aifactory.cost.telemetry.DcgmUsage.Owners("platform", "online_inference"));
    Thread scraper = new Thread(() -> {
      try {
        adapter.run(Duration.ofSeconds(1), -1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "dcgm-scraper");
    scraper.setDaemon(true);
    scraper.start();
    try {
      await("FOCUS rows of the live GPU", () -> read(TableIdentifier.of("gold", "cost_focus")).stream()
          .anyMatch(r -> DcgmExporter.HELD_GPU.equals(r.getField("ResourceId"))), SETTLE);
      await("a budget alert on alerts.cost", () -> LocalKafkaAlerts.raised(stack.bootstrapServers(), "risk/online_inference"),
          SETTLE);
    } finally {
      scraper.interrupt();
      scraper.join(5_000);
      adapter.close();
      exporter.stop(0);
      flink.cancel(cost);
    }
    List<Record> rejected = read(TableIdentifier.of("gold", "cost_rejected")).stream()
        .filter(r -> String.valueOf(r.getField("subject")).startsWith("GPU-live"))
        .filter(r -> ((java.time.OffsetDateTime) r.getField("event_time")).toInstant().toEpochMilli() >= started)
        .toList();
    assertThat(rejected).as("live samples rejected").isEmpty();
  }

  /**
   * The Kafka broker killed (SIGKILL) under steady load and restarted 10 s later: producers retry,
   * ingest's source and sinks reconnect (or the job restarts from its last checkpoint), and every
   * offset ends in bronze or quarantine once, every good event in silver once.
   */
  @Test
  @Order(6)
  void theBrokerKilledAndRestartedUnderLoadLosesAndDoublesNothing() throws Exception {
    Thread load = new Thread(() -> send(1_500, 150), "steady-load");
    load.start();
    Thread.sleep(3_000);
    stack.killKafka();
    Thread.sleep(10_000);
    stack.startKafka();
    long back = System.nanoTime();
    load.join(Duration.ofMinutes(3).toMillis());
    assertThat(load.isAlive()).as("the producer got through after the restart").isFalse();
    awaitIngestCaughtUp();
    System.out.printf("broker restart: ingest caught up %.1f s after the broker came back%n", (System.nanoTime() - back) / 1e9);
    assertExactlyOnceInBronzeAndSilver();
  }

  @Test
  @Order(4)
  void eachBuildOfAJobJarIsUploadedOnce() {
    // Ingest and features were each submitted more than once above (a restore, a reference run).
    List<String> stored = flink.storedJars();
    assertThat(stored).as("one upload per build of each jar").doesNotHaveDuplicates()
        .anyMatch(name -> name.startsWith("ingest-job")).anyMatch(name -> name.startsWith("features-job"));
  }

  /** Sends {@code count} generated messages, at {@code perSecond} (0: at once), and waits for the acks. */
  private static void send(int count, int perSecond) {
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int i = 0; i < count; i++) {
        GeneratedMessage m;
        synchronized (sent) {
          m = generator.next();
          sent.add(m);
        }
        // No timestamp: the producer stamps the send time, as a live payment gateway's does, so a
        // late payment arrives late (ArrivalTime).
        producer.send(new ProducerRecord<>(m.topic(), null, null, m.key(), m.value()));
        if (perSecond > 0) {
          long wait = start + i * 1_000_000_000L / perSecond - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000);
          }
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // --- what must hold -----------------------------------------------------------------------

  private static Set<String> expectedSilverIds() {
    synchronized (sent) {
      return sent.stream().filter(m -> m.topic().equals(TX) && (m.kind() == Kind.TRANSACTION || m.kind() == Kind.LATE))
          .map(GeneratedMessage::eventId).collect(Collectors.toSet());
    }
  }

  /** Until every raw transaction record is in bronze or in quarantine as undecodable. */
  private static void awaitIngestCaughtUp() {
    long raw = kafka.endOffsets(TX).values().stream().mapToLong(Long::longValue).sum();
    await("ingest caught up with " + raw + " raw records", () -> placesInTables().size() >= raw, SETTLE);
  }

  private static List<String> placesInTables() {
    return RawRecordPlaces.inTables(catalog, "transactions", TX);
  }

  private static void assertExactlyOnceInBronzeAndSilver() {
    RawRecordPlaces.assertEachOnce(kafka, catalog, "transactions", TX);

    // Silver: each good transaction the generator sent, once (duplicates and re-sends dropped).
    Set<String> expectedIds = expectedSilverIds();
    List<Object> silverIds = read(IngestTables.silver("transactions")).stream().map(r -> r.getField("event_id")).toList();
    assertThat(silverIds).doesNotHaveDuplicates();
    assertThat(new HashSet<>(silverIds)).isEqualTo(new HashSet<Object>(expectedIds));
  }

  /**
   * The newest vector per card on an online topic once the features job has read all of silver:
   * every task running, its committed offsets (committed with each checkpoint) at the end of the
   * silver topic, and the online topic no longer growing (event time has settled).
   */
  private static Map<String, OnlineOfflineConsistency.OnlineVector> settledOnlineVectors(String job, String group, String topic)
      throws Exception {
    String silver = "silver.transactions";
    await("silver complete", () -> silverTopicIds().keySet().containsAll(expectedSilverIds()), SETTLE);
    // Past the last record of each partition (a transaction's commit marker sits after it, and a
    // consumer's position stops before markers it has not needed to skip).
    Map<Integer, Long> afterLast = new HashMap<>();
    kafka.readAll(silver).forEach(r -> afterLast.merge(r.partition(), r.offset() + 1, Math::max));
    await(group + " read all of silver", () -> {
      try {
        Map<Integer, Long> committed = kafka.committed(group, silver);
        return flink.allTasksRunning(job)
            && afterLast.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), 0L) >= e.getValue());
      } catch (Exception e) {
        return false;
      }
    }, SETTLE);
    Map<Integer, Long> last = Map.of();
    Instant stableSince = Instant.now();
    Instant deadline = Instant.now().plus(SETTLE);
    while (true) {
      Map<Integer, Long> now = topicExists(topic) ? kafka.endOffsets(topic) : Map.of();
      if (!now.equals(last) || now.isEmpty() || !flink.allTasksRunning(job)) {
        last = now;
        stableSince = Instant.now();
      } else if (Duration.between(stableSince, Instant.now()).toSeconds() >= 12) {
        break;
      }
      assertThat(Instant.now()).as("online topic " + topic + " settles").isBefore(deadline);
      Thread.sleep(1_000);
    }
    FeatureView view = FeatureViews.load("card_activity");
    List<Map.Entry<byte[], byte[]>> messages = new ArrayList<>();
    kafka.readAll(topic).forEach(r -> messages.add(new AbstractMap.SimpleEntry<>(r.key(), r.value())));
    return new HashMap<>(OnlineOfflineConsistency.newestVectors(view, messages));
  }

  private static boolean topicExists(String topic) {
    try {
      return !kafka.endOffsets(topic).isEmpty();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static List<Record> read(TableIdentifier id) {
    return read(catalog, id);
  }

  private static List<Record> read(Catalog catalog, TableIdentifier id) {
    return RawRecordPlaces.read(catalog, id);
  }

  static void await(String what, BooleanSupplier condition, Duration timeout) {
    System.out.println(Instant.now() + " waiting for " + what);
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what);
      }
    }
  }
}
