package dev.aifactory.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.features.consistency.OfflineVectors;
import dev.aifactory.features.consistency.OnlineOfflineConsistency;
import dev.aifactory.features.consistency.ServedConsistency;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.model.FeatureInput;
import dev.aifactory.features.model.DroppedEvent;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.sink.FeatureTables;
import dev.aifactory.features.sink.OnlineSchema;
import dev.aifactory.features.source.FeatureInputs;
import dev.aifactory.features.online.OnlineCodec;
import dev.aifactory.features.online.OnlineKey;
import dev.aifactory.common.Sha256;
import dev.aifactory.features.online.RedisOnlineStore;
import dev.aifactory.features.online.RedisSettings;
import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.localstack.LocalRedis;
import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.schemas.wire.PayloadDecoder;
import dev.aifactory.schemas.wire.SingleObjectFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The features job on real parts (in-process Kafka broker, Flink mini cluster, Iceberg in a
 * temporary folder): the same silver events as the ingest job writes them, once on the silver
 * topic and once in the silver table. The streaming job reads the topic out of order (fraud bursts
 * run ahead in event time; some events are held back to the end of the topic); the
 * backfill reads the table in BATCH mode. Every row the stream served must be the window rule
 * over the events that had arrived, every backfilled row the rule over all events, and the
 * online topic must hold each card's newest history row, equal to the offline recomputation.
 */
class FeaturesEndToEndTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  static final String SILVER_TOPIC = "silver.transactions";
  static final long FROM = Instant.parse("2025-12-01T00:00:00Z").toEpochMilli();
  static final long TO = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();

  @Test
  void backfillFromTheTableEqualsStreamingFromTheTopicAndTheOnlineTopicHoldsTheNewestRows(@TempDir Path tmp)
      throws Exception {
    FeatureView view = FeatureViews.load("card_activity");
    List<GenericRecord> silver = silverEvents(2_500);
    Path streamingWarehouse = tmp.resolve("streaming");
    Path backfillWarehouse = tmp.resolve("backfill");
    writeSilverTable(IcebergCatalogs.local(streamingWarehouse).loadCatalog(), silver);

    try (LocalKafka kafka = LocalKafka.start(); LocalRedis redis = LocalRedis.start(tmp.resolve("redis"))) {
      kafka.createTopics(2, SILVER_TOPIC);
      produce(kafka, silver);
      Map<String, String> poison = PoisonSilverRecords.send(kafka.bootstrapServers(), SILVER_TOPIC, silver.get(0));

      JobConfig streaming = JobConfig.load("features-defaults.properties",
          "--kafka.bootstrap.servers", kafka.bootstrapServers(),
          // Redis as the online store too (the default is the online topic alone, which every
          // other features and scoring test runs with): both must end with the same vectors.
          "--online.store", "redis",
          "--online.redis.uri", redis.uri(),
          "--features.bounded", "true",
          "--features.online.partitions", "2",
          "--iceberg.catalog.warehouse", streamingWarehouse.toString(),
          "--flink.execution.checkpointing.interval", "1s",
          // Frequent watermarks, so the events held back to the end of the topic arrive late.
          "--flink.pipeline.auto-watermark-interval", "5ms",
          "--flink.state.backend.type", "rocksdb");
      StreamExecutionEnvironment env = FeaturesJobMain.environment(streaming);
      env.setParallelism(2);
      FeaturesJobMain.define(env, streaming, view);
      env.execute("features-streaming-under-test");

      // The backfill reads the silver table of the first warehouse and writes its own history.
      JobConfig backfill = streaming.with("features.mode", "backfill")
          .with("iceberg.catalog.warehouse", backfillWarehouse.toString());
      StreamExecutionEnvironment batch = FeaturesJobMain.environment(backfill);
      batch.setParallelism(2);
      CatalogLoader out = IcebergCatalogs.local(backfillWarehouse);
      FeatureTables.ensureExist(out.loadCatalog(), view);
      FeaturesTopology.build(FeaturesJobMain.silverTable(batch, backfill, view, IcebergCatalogs.local(streamingWarehouse), FROM),
          view, FeaturesJobMain.sinks(backfill, view, out, null), FROM, TO);
      batch.execute("features-backfill-under-test");

      List<Record> streamed = history(IcebergCatalogs.local(streamingWarehouse).loadCatalog(), view);
      List<Record> backfilled = history(out.loadCatalog(), view);
      FeatureInputs inputs = new FeatureInputs(view);
      Map<String, FeatureInput> byId = new HashMap<>();
      Map<String, List<FeatureInput>> byCard = new HashMap<>();
      silver.forEach(e -> {
        FeatureInput input = inputs.fromAvro(e);
        byId.put(input.eventId, input);
        byCard.computeIfAbsent(input.entity, k -> new ArrayList<>()).add(input);
      });
      OfflineVectors offline = new OfflineVectors(view);

      // Streaming: each event's row was computed as it arrived. A card's rows in the order they
      // were emitted are its events in arrival order, and each must be the window rule over the
      // card's events that had arrived by then.
      Map<String, List<Record>> served = eventRows(streamed).stream()
          .sorted(Comparator.comparing((Record r) -> (OffsetDateTime) r.getField("emitted_at")))
          .collect(Collectors.groupingBy(r -> (String) r.getField("entity")));
      assertThat(served.values().stream().mapToLong(List::size).sum()).as("one row per event").isEqualTo(silver.size());
      int missedLaterArrivals = 0;
      for (var card : served.entrySet()) {
        List<FeatureInput> arrived = new ArrayList<>();
        for (Record row : card.getValue()) {
          FeatureInput e = byId.get((String) row.getField("event_id"));
          arrived.add(e);
          double[] asArrived = offline.asOf(e.eventTime, e.eventId, arrived);
          assertThat(vector(row, view)).as("%s served as it arrived", e.eventId).containsExactly(asArrived);
          if (!Arrays.equals(asArrived, offline.asOf(e.eventTime, e.eventId, byCard.get(card.getKey())))) {
            missedLaterArrivals++;
          }
        }
      }
      assertThat(missedLaterArrivals).as("events served before an earlier event of their card arrived").isPositive();
      // The consistency check measures exactly those: served before an earlier event arrived.
      var consistency = ServedConsistency.check(view, eventRows(streamed).stream()
          .map(r -> new ServedConsistency.Served((String) r.getField("event_id"), (String) r.getField("entity"),
              ((OffsetDateTime) r.getField("valid_from")).toInstant().toEpochMilli(), vector(r, view))).toList(), byCard);
      assertThat(consistency.compared()).isEqualTo(silver.size());
      assertThat(consistency.mismatchedEvents()).as(consistency.format()).isEqualTo(missedLaterArrivals);
      assertThat(consistency.missing() + consistency.extra()).isZero();
      assertThat(streamed).as("held-back events corrected the newest rows")
          .anyMatch(r -> FeatureRow.CORRECTION.equals(r.getField("row_kind")));

      // Backfill: every event in its range gets the rule over all events, and nothing is corrected.
      List<Record> replayed = eventRows(backfilled);
      assertThat(replayed).hasSize(silver.size());
      for (Record row : replayed) {
        FeatureInput e = byId.get((String) row.getField("event_id"));
        assertThat(vector(row, view)).as(e.eventId).containsExactly(offline.asOf(e.eventTime, e.eventId, byCard.get(e.entity)));
      }
      assertThat(backfilled).noneMatch(r -> FeatureRow.CORRECTION.equals(r.getField("row_kind")));

      // Records the silver topic should never hold, from a producer other than ingest: each is
      // dropped with its reason, and the job went on (every event above was served).
      Map<String, String> droppedReasons = new HashMap<>();
      try (CloseableIterable<Record> dropped = IcebergGenerics.read(
          IcebergCatalogs.local(streamingWarehouse).loadCatalog().loadTable(FeatureTables.LATE)).build()) {
        // Keyed by the Kafka coordinates each dead letter records: one per poison record.
        dropped.forEach(r -> droppedReasons.put(r.getField("topic") + "/" + r.getField("partition") + "@" + r.getField("offset"),
            (String) r.getField("reason")));
      }
      assertThat(droppedReasons.values()).as("no event was later than the allowed lateness").doesNotContain(DroppedEvent.LATE);
      assertThat(droppedReasons).hasSize(poison.size());
      poison.forEach((what, reason) -> assertThat(droppedReasons.values()).as(what).contains(reason));

      List<ConsumerRecord<byte[], byte[]>> online = kafka.readTopic("features.card_id");
      checkOnlineTopic(online, streamed, view);
      checkConsistency(online, IcebergCatalogs.local(streamingWarehouse).loadCatalog(), view);
      checkRedisStore(redis, streamed, view);
      checkLatestTable(IcebergCatalogs.local(streamingWarehouse).loadCatalog(), view);
      assertThat(rows(out.loadCatalog(), FeatureTables.latest(view))).as("a backfill's rows are not the newest: not upserted")
          .isEmpty();
    }
  }

  /**
   * The latest table, read as SQL reads it (equality deletes applied), after every checkpoint
   * that committed to it: exactly one row per live card, the card's newest row in the history
   * table as that checkpoint committed it, with the card's SHA-256 as entity_ref; none for an
   * expired card. At the end of this bounded run every card has expired (its TTL passed once the
   * input ended), so the table ends empty, as the online topic ends with tombstones.
   */
  static void checkLatestTable(Catalog catalog, FeatureView view) throws Exception {
    Table latest = catalog.loadTable(FeatureTables.latest(view));
    Table history = catalog.loadTable(FeatureTables.history(view));
    Map<Long, Long> historyAt = snapshotsByCheckpoint(history);
    int compared = 0;
    for (var checkpoint : snapshotsByCheckpoint(latest).entrySet()) {
      Long historySnapshot = historyAt.get(checkpoint.getKey());
      if (historySnapshot == null) {
        continue;
      }
      compare(read(latest, checkpoint.getValue()), read(history, historySnapshot), view);
      compared++;
    }
    // How many checkpoints complete while this short run is live varies; LatestTableSinkTest
    // covers live rows over many commits.
    assertThat(compared).as("checkpoints compared").isPositive();
    assertThat(compare(read(latest, null), read(history, null), view)).as("every card expired at the end").isZero();
  }

  /** Checks the latest rows against the newest history row per card; returns the live cards. */
  private static int compare(List<Record> latestRows, List<Record> history, FeatureView view) {
    Map<String, Record> latest = new HashMap<>();
    for (Record r : latestRows) {
      assertThat(latest.put((String) r.getField("entity"), r)).as("one row per card: %s", r.getField("entity")).isNull();
    }
    Map<String, List<Record>> byEntity = history.stream().collect(Collectors.groupingBy(r -> (String) r.getField("entity")));
    int live = 0;
    for (var e : byEntity.entrySet()) {
      Record newest = e.getValue().stream().max(Comparator.comparing((Record r) -> (OffsetDateTime) r.getField("valid_from"))
          .thenComparing(r -> (OffsetDateTime) r.getField("emitted_at"))).orElseThrow();
      Record row = latest.get(e.getKey());
      if (Boolean.TRUE.equals(newest.getField("tombstone"))) {
        assertThat(row).as("card %s expired", e.getKey()).isNull();
        continue;
      }
      live++;
      assertThat(row).as("latest row of %s", e.getKey()).isNotNull();
      assertThat(row.getField("valid_from")).as(e.getKey()).isEqualTo(newest.getField("valid_from"));
      assertThat(row.getField("emitted_at")).as(e.getKey()).isEqualTo(newest.getField("emitted_at"));
      assertThat(row.getField("entity_ref")).isEqualTo(Sha256.hex(e.getKey()));
      assertThat(vector(row, view)).as(e.getKey()).containsExactly(vector(newest, view));
    }
    assertThat(latest).hasSize(live);
    return live;
  }

  /** The snapshots the Flink sink committed, by checkpoint (compactions carry none). */
  private static Map<Long, Long> snapshotsByCheckpoint(Table table) {
    Map<Long, Long> byCheckpoint = new HashMap<>();
    for (Snapshot s : table.snapshots()) {
      String checkpoint = s.summary().get("flink.max-committed-checkpoint-id");
      if (checkpoint != null) {
        byCheckpoint.put(Long.parseLong(checkpoint), s.snapshotId());
      }
    }
    return byCheckpoint;
  }

  /** A table's rows as of a snapshot (null: the current one), row-level deletes applied. */
  private static List<Record> read(Table table, Long snapshot) throws Exception {
    var scan = IcebergGenerics.read(table);
    if (snapshot != null) {
      scan = scan.useSnapshot(snapshot);
    }
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> it = scan.build()) {
      it.forEach(rows::add);
    }
    return rows;
  }

  /** Per card, Redis holds the card's newest history row, nothing once its newest row is a tombstone. */
  static void checkRedisStore(LocalRedis redis, List<Record> history, FeatureView view) throws Exception {
    OnlineCodec codec = new OnlineCodec(view);
    Map<String, List<Record>> byEntity = history.stream().collect(Collectors.groupingBy(r -> (String) r.getField("entity")));
    try (RedisOnlineStore store = new RedisOnlineStore(new RedisSettings(redis.uri(), null, java.time.Duration.ofSeconds(2),
        java.time.Duration.ofDays(7)))) {
      for (var e : byEntity.entrySet()) {
        Record newest = e.getValue().stream().max(Comparator.comparing((Record r) -> (OffsetDateTime) r.getField("valid_from"))
            .thenComparing(r -> (OffsetDateTime) r.getField("emitted_at"))).orElseThrow();
        var stored = store.read(OnlineKey.of(view, e.getKey()));
        if (Boolean.TRUE.equals(newest.getField("tombstone"))) {
          assertThat(stored).as("card %s expired", e.getKey()).isEmpty();
          continue;
        }
        OnlineCodec.Vector v = codec.decode(stored.orElseThrow(() -> new AssertionError("no vector in Redis for " + e.getKey())).avro());
        assertThat(v.validFrom()).as(e.getKey()).isEqualTo(((OffsetDateTime) newest.getField("valid_from")).toInstant().toEpochMilli());
        assertThat(v.values()).as(e.getKey()).containsExactly(vector(newest, view));
      }
    }
  }

  /**
   * The consistency check finds no difference between what the online topic served and the
   * features recomputed from silver, and finds the one value we corrupt.
   */
  static void checkConsistency(List<ConsumerRecord<byte[], byte[]>> online, Catalog catalog, FeatureView view)
      throws Exception {
    List<Map.Entry<byte[], byte[]>> messages = online.stream()
        .<Map.Entry<byte[], byte[]>>map(m -> new AbstractMap.SimpleEntry<>(m.key(), m.value())).toList();
    var served = OnlineOfflineConsistency.newestVectors(view, messages);
    Table silver = catalog.loadTable(TableIdentifier.of("silver", "transactions"));
    var report = OnlineOfflineConsistency.check(view, served, silver, 1_000, 1);
    assertThat(report.compared()).isEqualTo(served.size()).isPositive();
    assertThat(report.mismatches().values()).as(OnlineOfflineConsistency.format(report)).allMatch(n -> n == 0);

    String card = served.keySet().iterator().next();
    var v = served.get(card);
    Map<String, Object> wrong = new java.util.LinkedHashMap<>(v.values());
    wrong.put("tx_count_1h", 999L);
    served.put(card, new OnlineOfflineConsistency.OnlineVector(card, v.validFrom(), wrong));
    var corrupted = OnlineOfflineConsistency.check(view, served, silver, 1_000, 1);
    assertThat(corrupted.mismatches()).containsEntry("tx_count_1h", 1L).containsEntry("amount_sum_1h", 0L);
  }

  /** v3 transactions from the generator, decoded to the contract: what silver holds. */
  static List<GenericRecord> silverEvents(int n) throws Exception {
    // 60 cards, so cards see several events; no duplicates, late or malformed messages (the
    // ingest job removes those before silver); fraud bursts still run ahead in event time.
    GeneratorSettings settings = new GeneratorSettings(11, GeneratorSettings.defaults().startMillis(), 250, 60, 40, 0.05,
        0, 0, 0, 0, 0, 0);
    PaymentsGenerator generator = new PaymentsGenerator(settings, "payments.transactions", null);
    SchemaCatalog catalog = SchemaCatalog.bundled();
    PayloadDecoder decoder = new PayloadDecoder(new SingleObjectFormat(catalog),
        catalog.contract("dev.aifactory.payments.Transaction").schema());
    List<GenericRecord> out = new ArrayList<>();
    while (out.size() < n) {
      GeneratedMessage m = generator.next();
      if (m.kind() == GeneratedMessage.Kind.TRANSACTION) {
        out.add(decoder.decodeAsContract(m.value()).record());
      }
    }
    return out;
  }

  /**
   * As the ingest job writes the silver topic: contract in single-object encoding, keyed by event
   * id. Every 20th event of the last five minutes is held back to the end of the topic, so it
   * arrives after later events moved the watermark past it (within the allowed lateness).
   */
  static void produce(LocalKafka kafka, List<GenericRecord> events) {
    long last = events.stream().mapToLong(e -> (Long) e.get("event_time")).max().orElseThrow();
    List<GenericRecord> inOrder = new ArrayList<>();
    List<GenericRecord> heldBack = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      boolean recent = (Long) events.get(i).get("event_time") > last - 5 * 60_000;
      (recent && i % 20 == 0 ? heldBack : inOrder).add(events.get(i));
    }
    inOrder.addAll(heldBack);
    send(kafka, inOrder);
  }

  static void send(LocalKafka kafka, List<GenericRecord> events) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (GenericRecord e : events) {
        producer.send(new ProducerRecord<>(SILVER_TOPIC, null, (Long) e.get("event_time"),
            e.get("event_id").toString().getBytes(StandardCharsets.UTF_8), AvroWire.singleObject(e)));
      }
    }
  }

  /** The same events as a silver Iceberg table (the contract's columns; the backfill reads by name). */
  static void writeSilverTable(Catalog catalog, List<GenericRecord> events) throws Exception {
    org.apache.iceberg.Schema schema = new org.apache.iceberg.Schema(
        Types.NestedField.required(1, "event_id", Types.StringType.get()),
        Types.NestedField.required(2, "card_id", Types.StringType.get()),
        Types.NestedField.optional(3, "merchant_id", Types.StringType.get()),
        Types.NestedField.required(4, "amount", Types.DoubleType.get()),
        Types.NestedField.optional(5, "geo_country", Types.StringType.get()),
        Types.NestedField.required(6, "event_time", Types.TimestampType.withZone()),
        Types.NestedField.optional(7, "channel", Types.StringType.get()));
    Table table = catalog.createTable(TableIdentifier.of("silver", "transactions"), schema);
    List<Record> rows = new ArrayList<>();
    for (GenericRecord e : events) {
      Record r = org.apache.iceberg.data.GenericRecord.create(schema);
      for (String f : List.of("event_id", "card_id", "merchant_id", "geo_country", "channel")) {
        r.setField(f, e.get(f) == null ? null : e.get(f).toString());
      }
      r.setField("amount", e.get("amount"));
      r.setField("event_time", OffsetDateTime.ofInstant(Instant.ofEpochMilli((Long) e.get("event_time")), ZoneOffset.UTC));
      rows.add(r);
    }
    IcebergAppends.append(table, rows);
  }

  static List<Record> history(Catalog catalog, FeatureView view) throws Exception {
    return rows(catalog, FeatureTables.history(view));
  }

  /** Every row of a table, row-level deletes applied. */
  static List<Record> rows(Catalog catalog, TableIdentifier id) throws Exception {
    return read(catalog.loadTable(id), null);
  }

  static long rowCount(Catalog catalog, TableIdentifier id) throws Exception {
    try (CloseableIterable<Record> it = IcebergGenerics.read(catalog.loadTable(id)).build()) {
      long n = 0;
      for (Record ignored : it) {
        n++;
      }
      return n;
    }
  }

  static List<Record> eventRows(List<Record> history) {
    return history.stream().filter(r -> FeatureRow.EVENT.equals(r.getField("row_kind"))).toList();
  }

  /** A history row's feature values in the view's order, NaN where null. */
  static double[] vector(Record r, FeatureView view) {
    return view.features().stream()
        .mapToDouble(f -> r.getField(f.name()) == null ? Double.NaN : ((Number) r.getField(f.name())).doubleValue()).toArray();
  }

  /** Per card, the last message on the online topic is the card's newest history row (a tombstone once expired). */
  static void checkOnlineTopic(List<ConsumerRecord<byte[], byte[]>> messages, List<Record> history, FeatureView view) {
    // Plain Avro and the file published in schemas/, as a consumer outside the factory would.
    Schema schema;
    try {
      schema = new Schema.Parser().parse(java.nio.file.Path.of("../../schemas/src/main/avro/features/" + view.id() + ".avsc").toFile());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    BinaryMessageDecoder<GenericData.Record> decoder = new BinaryMessageDecoder<>(GenericData.get(), schema);
    Map<String, ConsumerRecord<byte[], byte[]>> lastPerKey = new HashMap<>();
    Map<String, GenericData.Record> lastValuePerKey = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> m : messages) {
      // Keyed features:<view>:v<version>:<entity>, so each version compacts on its own.
      OnlineKey parsed = OnlineKey.parse(m.key());
      assertThat(new String(m.key(), StandardCharsets.UTF_8)).isEqualTo("features:" + view.name() + ":v" + view.version() + ":" + parsed.entity());
      String key = parsed.entity();
      lastPerKey.put(key, m);
      if (m.value() != null) {
        try {
          lastValuePerKey.put(key, decoder.decode(m.value()));
        } catch (Exception e) {
          throw new AssertionError("online message for " + key + " does not decode with the published schema", e);
        }
      }
    }
    Map<String, List<Record>> byEntity = history.stream().collect(Collectors.groupingBy(r -> (String) r.getField("entity")));
    assertThat(lastPerKey.keySet()).isEqualTo(byEntity.keySet());
    for (var e : byEntity.entrySet()) {
      Record newest = e.getValue().stream().max(Comparator.comparing((Record r) -> (OffsetDateTime) r.getField("valid_from"))
          .thenComparing(r -> (OffsetDateTime) r.getField("emitted_at"))).orElseThrow();
      ConsumerRecord<byte[], byte[]> last = lastPerKey.get(e.getKey());
      assertThat(last.value() == null).as("card %s: tombstone on the topic iff its newest row is one", e.getKey())
          .isEqualTo(Boolean.TRUE.equals(newest.getField("tombstone")));
      Record newestWithValues = e.getValue().stream().filter(r -> !Boolean.TRUE.equals(r.getField("tombstone")))
          .max(Comparator.comparing((Record r) -> (OffsetDateTime) r.getField("valid_from"))
              .thenComparing(r -> (OffsetDateTime) r.getField("emitted_at"))).orElseThrow();
      GenericData.Record online = lastValuePerKey.get(e.getKey());
      assertThat(online.get("valid_from")).isEqualTo(((OffsetDateTime) newestWithValues.getField("valid_from")).toInstant().toEpochMilli());
      view.features().forEach(f -> assertThat(online.get(f.name())).as("%s of %s", f.name(), e.getKey())
          .isEqualTo(newestWithValues.getField(f.name())));
    }
  }
}
