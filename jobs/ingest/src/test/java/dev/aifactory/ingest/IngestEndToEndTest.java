package dev.aifactory.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.generator.GeneratedMessage.Kind;
import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.localstack.LocalSchemaRegistry;
import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.schemas.wire.PayloadDecoder;
import dev.aifactory.schemas.wire.SingleObjectFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.execution.JobClient;
import java.time.Duration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest job end to end on real parts: an in-process Kafka broker, a schema registry over
 * HTTP, Flink's mini cluster and an Iceberg warehouse in a temporary folder. One streaming run
 * of the job (as in production; the bounded backfill mode is in IngestExactlyOnceTest) over a
 * stream that mixes v1/v2/v3 writers, registry-framed writers the jar has never seen,
 * duplicates, late events, generated malformed records and a corpus of bad inputs; the tests
 * then check where every record ended up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestEndToEndTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  private static final String TX = "raw.transactions";
  private static final Schema V3 = SchemaCatalog.bundled().contract(PaymentsGenerator.TRANSACTION).schema();

  private LocalKafka kafka;
  private LocalSchemaRegistry registry;
  private IngestHarness harness;
  private final List<GeneratedMessage> generated = new ArrayList<>();
  /** Bad inputs by partition/offset, with the stage and reason they must be quarantined with. */
  private final Map<String, String[]> corpus = new LinkedHashMap<>();
  private final Map<String, GenericRecord> registryWritten = new HashMap<>();
  /** Raw transactions sent besides the generator's, the registry writers' and the corpus's. */
  private final Set<String> extraSilverIds = new HashSet<>();
  private final List<RecordMetadata> conflictingPair = new ArrayList<>();
  private RecordMetadata renamedWithAlias;
  private long producedTransactions;

  @BeforeAll
  void runTheJobOnce(@TempDir Path tmp) throws Exception {
    kafka = LocalKafka.start();
    registry = LocalSchemaRegistry.start();
    kafka.createTopics(2, TX, "raw.labels", "silver.transactions", "silver.labels", "ingest.quarantine", "telemetry.usage");
    Path warehouse = Files.createDirectories(tmp.resolve("warehouse"));
    harness = new IngestHarness(kafka, warehouse, registry.url());

    PaymentsGenerator generator = new PaymentsGenerator(
        GeneratorSettings.defaults().withRates(0.05, 0.03, 0.03), TX, "raw.labels");
    generated.addAll(generator.take(3_000));
    harness.sendAll(generated);
    producedTransactions = generated.stream().filter(m -> m.topic().equals(TX)).count();
    sendRegistryWriters();
    sendCorpus();

    // Streaming, as the job runs in production: watermarks per partition, idleness, checkpoints
    // and Iceberg commits on them. The dq and metering windows are by ingest time, a minute as
    // shipped; 2 s here so that they close while the test waits.
    JobClient job = harness.startStreaming(harness.config("e2e").with("ingest.usage.topic", "telemetry.usage")
        .with("ingest.dq.window", "2s"), raw -> raw, null);
    try {
      harness.await(job, this::everyRecordLanded, Duration.ofMinutes(3));
      harness.await(job, this::everyRecordCountedInDqAndMetering, Duration.ofMinutes(1));
    } finally {
      job.cancel().get();
    }
  }

  /**
   * Every raw message in bronze or (undecodable) in quarantine. Bronze, silver and quarantine
   * commit on the same checkpoints, so silver and the quarantined violators are complete too.
   */
  private boolean everyRecordLanded() {
    long rawTx = producedTransactions + registryWritten.size() + corpus.size() + extraRawRecords();
    long rawLabels = generated.stream().filter(m -> m.topic().equals("raw.labels")).count();
    if (harness.committed(IngestTables.bronze("transactions")) + harness.committed(IngestTables.bronze("labels"))
        + harness.committed(IngestTables.QUARANTINE) < rawTx + rawLabels) {
      return false; // cheap test first: the quarantine also holds violators, which are in bronze
    }
    long undecodable = harness.table(IngestTables.QUARANTINE).stream().filter(q -> "decode".equals(q.getField("stage"))).count();
    return harness.committed(IngestTables.bronze("transactions")) + harness.committed(IngestTables.bronze("labels"))
        + undecodable >= rawTx + rawLabels;
  }

  /** Every bronze record counted once its dq and metering windows have closed. */
  private boolean everyRecordCountedInDqAndMetering() {
    long bronze = harness.committed(IngestTables.bronze("transactions")) + harness.committed(IngestTables.bronze("labels"));
    long checked = harness.table(IngestTables.DQ).stream().filter(r -> "event_id_format".equals(r.getField("rule")))
        .mapToLong(r -> (Long) r.getField("records")).sum();
    return checked >= bronze && meteredRecords() >= bronze;
  }

  private long meteredRecords() {
    SchemaCatalog catalog = SchemaCatalog.bundled();
    PayloadDecoder usage = new PayloadDecoder(new SingleObjectFormat(catalog), catalog.contract("dev.aifactory.telemetry.Usage").schema());
    long n = 0;
    for (var r : harness.readTopic("telemetry.usage")) {
      try {
        n += (Long) usage.decodeAsContract(r.value()).record().get("records_ingested");
      } catch (dev.aifactory.schemas.wire.UndecodableException e) {
        throw new IllegalStateException(e);
      }
    }
    return n;
  }

  @AfterAll
  void stop() {
    registry.close();
    kafka.close();
  }

  // ---------------------------------------------------------------- the invariants

  @Test
  void everyRawRecordIsInBronzeOrUndecodableQuarantineExactlyOnce() {
    List<Record> bronze = harness.table(IngestTables.bronze("transactions"));
    List<Record> quarantine = harness.table(IngestTables.QUARANTINE);
    List<String> places = new ArrayList<>();
    bronze.forEach(r -> places.add(r.getField("_kafka_partition") + "@" + r.getField("_offset")));
    quarantine.stream().filter(q -> q.getField("stage").equals("decode") && q.getField("topic").equals(TX))
        .forEach(q -> places.add(q.getField("partition") + "@" + q.getField("offset")));

    long rawCount = producedTransactions + registryWritten.size() + corpus.size() + extraRawRecords();
    assertThat(places).hasSize((int) rawCount);
    assertThat(new HashSet<>(places)).hasSize((int) rawCount); // no coordinate twice
  }

  @Test
  void silverIsBronzeLessDuplicatesAndRuleViolators() {
    List<Record> bronze = harness.table(IngestTables.bronze("transactions"));
    List<Record> silver = harness.table(IngestTables.silver("transactions"));
    long violators = harness.table(IngestTables.QUARANTINE).stream()
        .filter(q -> q.getField("stage").equals("quality") && q.getField("topic").equals(TX)).count();
    long duplicates = generated.stream().filter(m -> m.kind() == Kind.DUPLICATE).count();

    assertThat(duplicates).isGreaterThan(10);
    assertThat(violators).isGreaterThan(10);
    assertThat((long) silver.size()).isEqualTo(bronze.size() - duplicates - violators);
    Set<Object> ids = silver.stream().map(r -> r.getField("event_id")).collect(Collectors.toSet());
    assertThat(ids).hasSize(silver.size());

    // The generator knows which good transactions it sent: silver has exactly those.
    Set<String> expected = generated.stream()
        .filter(m -> m.topic().equals(TX) && (m.kind() == Kind.TRANSACTION || m.kind() == Kind.LATE))
        .map(GeneratedMessage::eventId).collect(Collectors.toCollection(HashSet::new));
    expected.addAll(registryWritten.keySet());
    expected.addAll(extraSilverIds);
    assertThat(ids).isEqualTo(new HashSet<Object>(expected));
  }

  /**
   * Each silver record on Kafka carries when its event reached the factory: its raw record's
   * timestamp, the silver table's _kafka_timestamp. Feature readers of the topic and of the
   * table judge lateness by it, so they must agree.
   */
  @Test
  void silverRecordsCarryTheArrivalTimeTheSilverTableHolds() {
    Map<Object, Long> arrivalById = new HashMap<>();
    harness.table(IngestTables.silver("transactions")).forEach(r -> arrivalById.put(r.getField("event_id"),
        ((java.time.OffsetDateTime) r.getField("_kafka_timestamp")).toInstant().toEpochMilli()));
    var topic = harness.readTopic("silver.transactions");
    assertThat(topic).isNotEmpty();
    for (var r : topic) {
      String eventId = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(dev.aifactory.common.kafka.ArrivalTime.of(r.headers())).as(eventId).isEqualTo(arrivalById.get(eventId));
    }
  }

  @Test
  void quarantineIsUndecodablePlusViolatorsAndTheKafkaTopicsAgree() {
    List<Record> quarantine = harness.table(IngestTables.QUARANTINE);
    long expectedBad = generated.stream().filter(m -> m.kind() == Kind.UNDECODABLE || m.kind() == Kind.RULE_VIOLATION).count()
        + corpus.size() + 1; // + the second of the conflicting pair
    assertThat((long) quarantine.size()).isEqualTo(expectedBad);
    assertThat(harness.readTopic("ingest.quarantine")).hasSize(quarantine.size());
    // Plain Avro and the file in schemas/ alone decode every quarantine message, reason included.
    try {
      var published = new org.apache.avro.message.BinaryMessageDecoder<org.apache.avro.generic.GenericRecord>(
          org.apache.avro.generic.GenericData.get(), new org.apache.avro.Schema.Parser().parse(
              java.nio.file.Path.of("../../schemas/src/main/avro/ops/quarantine-v2.avsc").toFile()));
      for (var message : harness.readTopic("ingest.quarantine")) {
        assertThat(published.decode(message.value()).get("reason")).isNotNull();
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(harness.readTopic("silver.transactions")).hasSize(harness.table(IngestTables.silver("transactions")).size());
    assertThat(harness.readTopic("silver.labels")).hasSize(harness.table(IngestTables.silver("labels")).size());
    assertThat(harness.table(IngestTables.silver("labels"))).hasSize(
        (int) generated.stream().filter(m -> m.kind() == Kind.LABEL).count());
  }

  @Test
  void eachBadInputIsQuarantinedWithItsReason() {
    Map<String, Record> byPlace = new HashMap<>();
    harness.table(IngestTables.QUARANTINE).forEach(q -> byPlace.put(q.getField("topic") + "/" + q.getField("partition")
        + "@" + q.getField("offset"), q));
    Set<String> kinds = corpus.values().stream().map(e -> e[2].replaceAll(" at byte \\d+$", "")).collect(Collectors.toSet());
    assertThat(kinds).hasSizeGreaterThanOrEqualTo(30);
    corpus.forEach((place, expected) -> {
      Record q = byPlace.get(place);
      assertThat(q).as("bad input %s (%s) is in quarantine", expected[2], place).isNotNull();
      assertThat(q.getField("stage")).as(expected[2]).isEqualTo(expected[0]);
      assertThat(q.getField("reason")).as(expected[2]).isEqualTo(expected[1]);
      assertThat(q.getField("payload")).as("original bytes kept").isNotNull();
      assertThat(((java.nio.ByteBuffer) q.getField("payload")).remaining()).as("bounded original")
          .isLessThanOrEqualTo(IngestSettings.DEFAULT_MAX_QUARANTINE_ORIGINAL_BYTES);
      assertThat((String) q.getField("original_sha256")).as("digest of the whole original").hasSize(64);
    });
  }

  @Test
  void aMillionCharacterCardIdIsQuarantinedWithItsDigestAndLengthAndNeverReachesSilver() {
    Record q = harness.table(IngestTables.QUARANTINE).stream()
        .filter(r -> "PAYLOAD_TOO_LARGE".equals(r.getField("reason"))).filter(r -> (Integer) r.getField("original_length") > 1_000_000)
        .findFirst().orElseThrow();
    assertThat(((java.nio.ByteBuffer) q.getField("payload")).remaining())
        .isEqualTo(IngestSettings.DEFAULT_MAX_QUARANTINE_ORIGINAL_BYTES);
    assertThat(harness.table(IngestTables.silver("transactions")))
        .allSatisfy(r -> assertThat(r.getField("card_id").toString()).isNotEmpty().hasSizeLessThanOrEqualTo(64));
  }

  @Test
  void aConflictingDuplicateIsQuarantinedAndTheFirstStaysInSilver() {
    Set<String> quarantined = harness.table(IngestTables.QUARANTINE).stream()
        .filter(q -> "CONFLICTING_DUPLICATE".equals(q.getField("reason")))
        .map(q -> q.getField("partition") + "@" + q.getField("offset")).collect(Collectors.toSet());
    Set<String> pair = conflictingPair.stream().map(m -> m.partition() + "@" + m.offset()).collect(Collectors.toSet());
    assertThat(quarantined).hasSize(1);
    assertThat(pair).containsAll(quarantined);
    List<Record> inSilver = harness.table(IngestTables.silver("transactions")).stream()
        .filter(r -> "conflict-00000001".equals(r.getField("event_id"))).toList();
    assertThat(inSilver).hasSize(1);
    assertThat(pair).contains(inSilver.get(0).getField("_kafka_partition") + "@" + inSilver.get(0).getField("_offset"));
    assertThat(quarantined).doesNotContain(inSilver.get(0).getField("_kafka_partition") + "@" + inSilver.get(0).getField("_offset"));
  }

  @Test
  void aFieldRenamedWithAnAliasTheContractDoesNotKnowIsFlaggedNotSilentlyNulled() {
    Record row = harness.table(IngestTables.silver("transactions")).stream()
        .filter(r -> "renamed-alias-0001".equals(r.getField("event_id"))).findFirst().orElseThrow();
    assertThat(row.getField("geo_country")).as("the contract's default").isNull();
    assertThat(row.getField("_unmapped_fields")).isEqualTo("country_code");
    Record bronze = harness.table(IngestTables.bronze("transactions")).stream()
        .filter(r -> "renamed-alias-0001".equals(r.getField("event_id"))).findFirst().orElseThrow();
    assertThat(bronze.getField("country_code")).as("the value, as written").isEqualTo("FR");
    // The newer-build registry writers' extra fields are not in the contract either: flagged too.
    Map<Object, Long> flagged = harness.table(IngestTables.silver("transactions")).stream()
        .filter(r -> r.getField("_unmapped_fields") != null)
        .collect(Collectors.groupingBy(r -> r.getField("_unmapped_fields"), Collectors.counting()));
    assertThat(flagged).containsOnly(Map.entry("country_code", 1L),
        Map.entry("loyalty_tier,installments", (long) registryWritten.size()));
  }

  private long extraRawRecords() {
    return conflictingPair.size() + (renamedWithAlias == null ? 0 : 1);
  }

  // ---------------------------------------------------------------- schema drift

  @Test
  void bronzeEvolvedToEveryWriterSchemaItSaw() {
    org.apache.iceberg.Schema bronze = harness.loadTable(IngestTables.bronze("transactions")).schema();
    assertThat(bronze.findField("device_id")).as("added by v3").isNotNull();
    assertThat(bronze.findField("geo_country")).as("added by v2").isNotNull();
    assertThat(bronze.findField("loyalty_tier")).as("added by a registry writer unknown to the jar").isNotNull();
    assertThat(bronze.findField("amount").type()).as("float widened to double by v3").isEqualTo(Types.DoubleType.get());
    assertThat(bronze.findField("installments").type()).as("int widened to long by a registry writer")
        .isEqualTo(Types.LongType.get());

    List<Record> rows = harness.table(IngestTables.bronze("transactions"));
    assertThat(rows.stream().map(r -> r.getField("_schema_version")).collect(Collectors.toSet())).contains(1, 2, 3);
    assertThat(rows.stream().filter(r -> r.getField("_schema_ref").toString().startsWith("registry:")).count())
        .isEqualTo(registryWritten.size() + 1); // + the writer that renamed a field
    assertThat(rows.stream().filter(r -> "gold".equals(r.getField("loyalty_tier"))).count()).isEqualTo(registryWritten.size());
  }

  @Test
  void silverFollowsTheContractAndValuesRoundTrip() {
    org.apache.iceberg.Schema silver = harness.loadTable(IngestTables.silver("transactions")).schema();
    assertThat(silver.findField("loyalty_tier")).as("not in the contract").isNull();
    assertThat(silver.findField("event_id").isRequired()).isTrue();
    assertThat(harness.loadTable(IngestTables.silver("transactions")).spec().fields().get(0).transform().toString())
        .isEqualTo("day");

    Map<Object, Record> silverById = new HashMap<>();
    harness.table(IngestTables.silver("transactions")).forEach(r -> silverById.put(r.getField("event_id"), r));
    GenericRecord sent = registryWritten.values().iterator().next();
    Record stored = silverById.get(sent.get("event_id").toString());
    assertThat(stored.getField("amount")).isEqualTo(sent.get("amount"));
    assertThat(stored.getField("card_id")).as("tokenized").isEqualTo(harness.tokens().token(sent.get("card_id").toString()));
    assertThat(((java.time.OffsetDateTime) stored.getField("event_time")).toInstant().toEpochMilli())
        .isEqualTo(sent.get("event_time"));

    // Every generated good transaction round-trips field by field through the contract.
    int checked = 0;
    for (GeneratedMessage m : generated) {
      if (m.kind() != Kind.TRANSACTION || checked >= 200) {
        continue;
      }
      GenericRecord original = decodeSingleObject(m.value());
      Record row = silverById.get(m.eventId());
      assertThat(row).isNotNull();
      assertThat((Double) row.getField("amount")).isEqualTo(((Number) original.get("amount")).doubleValue());
      assertThat(row.getField("currency")).isEqualTo(original.get("currency").toString());
      assertThat(row.getField("merchant_id")).isEqualTo(String.valueOf(original.get("merchant_id")));
      checked++;
    }
    assertThat(checked).isEqualTo(200);
  }

  /**
   * Classified fields (the contract's "classification") are protected on their way to silver:
   * tokens for card and device ids, coordinates rounded to 2 decimals, IPs cut to /24. Bronze,
   * a restricted zone, keeps them as written. Nothing raw reaches the silver table or topic, so
   * nothing raw reaches the features, scoring and training jobs that read only those.
   */
  @Test
  void classifiedFieldsAreProtectedInSilverTableAndTopicAndKeptRawInBronze() throws Exception {
    var tokens = harness.tokens();
    Map<Object, Record> silverById = new HashMap<>();
    harness.table(IngestTables.silver("transactions")).forEach(r -> silverById.put(r.getField("event_id"), r));
    Map<Object, Record> bronzeById = new HashMap<>();
    harness.table(IngestTables.bronze("transactions")).forEach(r -> bronzeById.put(r.getField("event_id"), r));
    SchemaCatalog catalog = SchemaCatalog.bundled();
    PayloadDecoder contract = new PayloadDecoder(new SingleObjectFormat(catalog), catalog.contract("dev.aifactory.payments.Transaction").schema());
    Map<String, GenericRecord> topicById = new HashMap<>();
    List<byte[]> topicBytes = new ArrayList<>();
    for (var r : harness.readTopic("silver.transactions")) {
      GenericRecord t = contract.decodeAsContract(r.value()).record();
      topicById.put(t.get("event_id").toString(), t);
      topicBytes.add(r.value());
    }

    Set<String> rawValues = new HashSet<>();
    int checked = 0;
    for (GeneratedMessage m : generated) {
      Record silver = silverById.get(m.eventId());
      if (m.kind() != Kind.TRANSACTION || silver == null) {
        continue;
      }
      GenericRecord original = decodeSingleObject(m.value());
      String card = original.get("card_id").toString();
      rawValues.add(card);
      for (Object protectedForm : new Object[] {silver.getField("card_id"), topicById.get(m.eventId()).get("card_id").toString()}) {
        assertThat(protectedForm).isEqualTo(tokens.token(card));
      }
      assertThat(bronzeById.get(m.eventId()).getField("card_id")).as("bronze keeps it as written").isEqualTo(card);
      if (original.getSchema().getField("device_id") != null && original.get("device_id") != null) {
        rawValues.add(original.get("device_id").toString());
        assertThat(silver.getField("device_id")).isEqualTo(tokens.token(original.get("device_id").toString()));
      }
      if (original.getSchema().getField("ip_address") != null && original.get("ip_address") != null) {
        String ip = original.get("ip_address").toString();
        assertThat(silver.getField("ip_address")).isEqualTo(ip.substring(0, ip.lastIndexOf('.')) + ".0");
      }
      if (original.getSchema().getField("geo_lat") != null && original.get("geo_lat") != null) {
        double lat = (Double) original.get("geo_lat");
        assertThat((Double) silver.getField("geo_lat")).isCloseTo(lat, org.assertj.core.data.Offset.offset(0.005))
            .isEqualTo(java.math.BigDecimal.valueOf(lat).setScale(2, java.math.RoundingMode.HALF_EVEN).doubleValue());
        assertThat(topicById.get(m.eventId()).get("geo_lat")).isEqualTo(silver.getField("geo_lat"));
      }
      checked++;
    }
    assertThat(checked).isGreaterThan(1000);
    assertThat(rawValues).hasSizeGreaterThan(100);

    // No raw value anywhere in a silver row or a silver message, whatever the field.
    for (Record row : silverById.values()) {
      for (var field : row.struct().fields()) {
        Object value = row.getField(field.name());
        assertThat(value == null || !rawValues.contains(value.toString())).as("silver %s.%s", row.getField("event_id"), field.name()).isTrue();
      }
    }
    String allTopicText = topicBytes.stream().map(b -> new String(b, java.nio.charset.StandardCharsets.ISO_8859_1))
        .collect(Collectors.joining("\n"));
    assertThat(rawValues).noneMatch(allTopicText::contains);

    // Rule violations on classified fields name the field and the rule, not the value.
    assertThat(harness.table(IngestTables.QUARANTINE)).filteredOn(q -> "card_id_format".equals(q.getField("reason")))
        .isNotEmpty().allSatisfy(q -> assertThat(q.getField("detail").toString()).contains("value withheld: pci").doesNotContain("kkkk"));
  }

  @Test
  void meteringOnTheUsageTopicCountsEveryBronzeRecordOnce() throws Exception {
    SchemaCatalog catalog = SchemaCatalog.bundled();
    PayloadDecoder usage = new PayloadDecoder(new SingleObjectFormat(catalog), catalog.contract("dev.aifactory.telemetry.Usage").schema());
    Map<String, Long> metered = new HashMap<>();
    for (var r : harness.readTopic("telemetry.usage")) {
      GenericRecord u = usage.decodeAsContract(r.value()).record();
      assertThat(u.get("workload_class").toString()).isEqualTo("ingestion");
      assertThat(u.get("resource_type").toString()).isEqualTo("job");
      metered.merge(u.get("resource_id").toString(), (Long) u.get("records_ingested"), Long::sum);
    }
    assertThat(metered).containsEntry("factory-ingest/transactions", (long) harness.table(IngestTables.bronze("transactions")).size())
        .containsEntry("factory-ingest/labels", (long) harness.table(IngestTables.bronze("labels")).size());
  }

  @Test
  void theDqTableCountsViolationsPerRule() {
    List<Record> dq = harness.table(IngestTables.DQ);
    Map<Object, Long> violationsByRule = new HashMap<>();
    dq.stream().filter(r -> r.getField("domain").equals("transactions"))
        .forEach(r -> violationsByRule.merge(r.getField("rule"), (Long) r.getField("violations"), Long::sum));
    assertThat(violationsByRule.keySet()).contains("amount_range", "currency_allowed", "event_time_not_future");
    assertThat(violationsByRule.get("currency_allowed")).isPositive();
    assertThat(violationsByRule.get("amount_range")).isPositive();
  }

  // ---------------------------------------------------------------- inputs

  private void sendRegistryWriters() {
    // A producer on a newer build: v3 plus two fields the contract does not know yet.
    Schema withInt = new Schema.Parser().parse(V3.toString().replace("\"fields\":[",
        "\"fields\":[{\"name\":\"loyalty_tier\",\"type\":[\"null\",\"string\"],\"default\":null},"
            + "{\"name\":\"installments\",\"type\":\"int\",\"default\":1},"));
    Schema withLong = new Schema.Parser().parse(withInt.toString().replace(
        "{\"name\":\"installments\",\"type\":\"int\",\"default\":1}", "{\"name\":\"installments\",\"type\":\"long\",\"default\":1}"));
    int intId = registry.register(withInt);
    int longId = registry.register(withLong);
    for (int i = 0; i < 20; i++) {
      boolean wide = i >= 10;
      GenericRecord r = new GenericData.Record(wide ? withLong : withInt);
      String id = "reg-writer-" + i + "-0000";
      r.put("event_id", id);
      r.put("card_id", "card-reg-" + i);
      r.put("merchant_id", "m-reg");
      r.put("amount", 10.25 + i);
      r.put("currency", "EUR");
      r.put("event_time", 1_767_225_600_000L + i * 1000L);
      r.put("channel", "ecom");
      r.put("loyalty_tier", "gold");
      r.put("installments", wide ? (Object) (3_000_000_000L + i) : (Object) i);
      harness.send(TX, null, id.getBytes(StandardCharsets.UTF_8), AvroWire.registryFramed(wide ? longId : intId, r), 0L);
      registryWritten.put(id, r);
    }
  }

  private void sendCorpus() {
    GenericRecord base = v3("corpus-base-0001");
    byte[] good = AvroWire.singleObject(base);

    undecodable("empty payload", new byte[0], "EMPTY_PAYLOAD");
    undecodable("truncated header", new byte[] {(byte) 0xC3}, "TRUNCATED_HEADER");
    undecodable("json instead of avro", "{\"event_id\":\"x\"}".getBytes(StandardCharsets.UTF_8), "UNKNOWN_WIRE_FORMAT");
    byte[] wrongFp = good.clone();
    wrongFp[4] ^= 0x10;
    undecodable("wrong fingerprint", wrongFp, "UNKNOWN_SCHEMA");
    undecodable("unknown registry id", new byte[] {0, 0, 0, 0x7F, 0x7F, 2, 65}, "UNKNOWN_SCHEMA");
    undecodable("truncated body", Arrays.copyOf(good, good.length - 5), "CORRUPT_PAYLOAD");
    byte[] flipped = good.clone();
    flipped[10] = (byte) 0xFF; // event_id length varint: bit flips make it absurd
    flipped[11] = (byte) 0xFF;
    flipped[12] = (byte) 0xFF;
    undecodable("bit flips in a length", flipped, "CORRUPT_PAYLOAD");
    undecodable("trailing garbage", concat(good, new byte[] {1, 2, 3}), "CORRUPT_PAYLOAD");
    Schema stringAmount = new Schema.Parser().parse(V3.toString().replace("\"type\":\"double\"", "\"type\":\"string\""));
    GenericRecord s = copyInto(base, stringAmount);
    s.put("amount", "12.50");
    undecodable("incompatible type change", AvroWire.registryFramed(registry.register(stringAmount), s), "INCOMPATIBLE_SCHEMA");
    Schema noCard = Schema.createRecord(V3.getName(), V3.getDoc(), V3.getNamespace(), false, V3.getFields().stream()
        .filter(f -> !f.name().equals("card_id")).map(f -> new Schema.Field(f, f.schema())).toList());
    assertThat(noCard.getField("card_id")).isNull();
    undecodable("missing required field", AvroWire.registryFramed(registry.register(noCard), copyInto(base, noCard)),
        "MISSING_REQUIRED_FIELD");

    violation("negative amount", "neg-amount-0001", r -> r.put("amount", -5.0), "amount_range");
    violation("NaN amount", "nan-amount-0001", r -> r.put("amount", Double.NaN), "amount_range");
    violation("huge string", "huge-string-0001", r -> r.put("merchant_id", "m".repeat(100_000)), "merchant_id_length");
    violation("future timestamp", "future-ts-00001", r -> r.put("event_time", System.currentTimeMillis() + 86_400_000L), "event_time_not_future");
    violation("unknown currency", "bad-currency-01", r -> r.put("currency", "BTC"), "currency_allowed");
    violation("missing merchant", "no-merchant-001", r -> r.put("merchant_id", null), "merchant_id_present");
    violation("bad channel", "bad-channel-001", r -> r.put("channel", "telepathy"), "channel_allowed");
    violation("lowercase country", "lower-geo-0001", r -> r.put("geo_country", "de"), "geo_country_format");
    GenericRecord shortId = v3("x");
    place("malformed event id", harness.send(TX, 0, "x".getBytes(StandardCharsets.UTF_8), AvroWire.singleObject(shortId), 0L),
        "quality", "event_id_format");
    GenericRecord nullKey = v3("null-key-00001");
    place("null key", harness.send(TX, 0, null, AvroWire.singleObject(nullKey), 0L), "quality", "key_is_event_id");
    sendHostileCorpus(good);
  }

  /**
   * Inputs meant to stop a job or exhaust its memory: each must land in quarantine with a reason
   * that names it, while the job goes on (the run must finish for any test here to pass).
   */
  private void sendHostileCorpus(byte[] good) {
    List<String[]> expectations = new ArrayList<>();
    List<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    java.util.function.BiConsumer<String[], org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>> add =
        (expected, record) -> {
          expectations.add(expected);
          records.add(record);
        };
    java.util.function.BiFunction<String, byte[], org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>> raw =
        (key, value) -> new org.apache.kafka.clients.producer.ProducerRecord<>(TX, 0, 0L,
            key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);

    // Truncated at every byte of the body: every field boundary and every byte inside a field.
    for (int length = 10; length < good.length; length++) {
      add.accept(new String[] {"decode", "CORRUPT_PAYLOAD", "truncated at byte " + length},
          raw.apply("truncated-" + length, Arrays.copyOf(good, length)));
    }
    // Length bombs: a few bytes declaring a string of 1 GB (Avro would allocate it first).
    add.accept(new String[] {"decode", "LENGTH_LIMIT_EXCEEDED", "string length bomb"},
        raw.apply("bomb", concat(Arrays.copyOf(good, 10), new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 65})));
    add.accept(new String[] {"decode", "PAYLOAD_TOO_LARGE", "payload over the cap"},
        raw.apply("big", new byte[IngestSettings.DEFAULT_MAX_PAYLOAD_BYTES + 1]));
    GenericRecord millionCard = v3("million-card-01");
    millionCard.put("card_id", "c".repeat(1_000_000));
    add.accept(new String[] {"decode", "PAYLOAD_TOO_LARGE", "million-character card id"},
        raw.apply("million-card-01", AvroWire.singleObject(millionCard)));
    Object[][] violations = {
        {"card id of 100,000 characters", "card_id", "k".repeat(100_000), "card_id_format"},
        {"empty card id", "card_id", "", "card_id_format"},
        {"invalid UTF-8 in card id", "card_id", new org.apache.avro.util.Utf8(new byte[] {(byte) 0xC3, 0x28}), "card_id_format"},
        {"over-long device id (the implicit length rule)", "device_id", "d".repeat(300), "device_id_max_length"},
        {"event time Long.MIN_VALUE", "event_time", Long.MIN_VALUE, "event_time_after_2000"},
        {"event time zero", "event_time", 0L, "event_time_after_2000"},
        {"event time Long.MAX_VALUE", "event_time", Long.MAX_VALUE, "event_time_not_future"},
        {"amount +Infinity", "amount", Double.POSITIVE_INFINITY, "amount_range"},
        {"amount -Infinity", "amount", Double.NEGATIVE_INFINITY, "amount_range"},
        {"latitude NaN", "geo_lat", Double.NaN, "geo_lat_range"},
        {"longitude out of range", "geo_lon", 540.0, "geo_lon_range"},
        {"unknown enum symbol for channel", "channel", "drone", "channel_allowed"},
        {"empty currency", "currency", "", "currency_allowed"},
    };
    int n = 0;
    for (Object[] v : violations) {
      String id = "hostile-" + (n++) + "-000";
      GenericRecord r = v3(id);
      r.put((String) v[1], v[2]);
      add.accept(new String[] {"quality", (String) v[3], (String) v[0]}, raw.apply(id, AvroWire.singleObject(r)));
    }
    GenericRecord nul = v3("nul\u0000in-the-id");
    add.accept(new String[] {"quality", "event_id_format", "NUL in the event id"},
        raw.apply("nul\u0000in-the-id", AvroWire.singleObject(nul)));
    // Key and value swapped: the value is the event id's text, the key the Avro message.
    add.accept(new String[] {"decode", "UNKNOWN_WIRE_FORMAT", "key and value swapped"},
        new org.apache.kafka.clients.producer.ProducerRecord<>(TX, 0, 0L, good, "corpus-base-0001".getBytes(StandardCharsets.UTF_8)));
    byte[] random = new byte[300];
    new java.util.Random(7).nextBytes(random);
    random[0] = 0x7E; // neither a single-object nor a registry header
    add.accept(new String[] {"decode", "UNKNOWN_WIRE_FORMAT", "random bytes"}, raw.apply("random", random));

    // A writer whose channel is an enum: the contract reads a string, which Avro cannot resolve.
    Schema enumChannel = new Schema.Parser().parse(V3.toString().replace(
        "{\"name\":\"channel\",\"type\":[\"null\",\"string\"]",
        "{\"name\":\"channel\",\"type\":[\"null\",{\"type\":\"enum\",\"name\":\"Channel\",\"symbols\":[\"pos\",\"ecom\",\"atm\",\"drone\"]}]"));
    GenericRecord e = copyInto(v3("enum-channel-01"), enumChannel);
    e.put("channel", new GenericData.EnumSymbol(enumChannel.getField("channel").schema().getTypes().get(1), "drone"));
    add.accept(new String[] {"decode", "INCOMPATIBLE_SCHEMA", "enum symbol from a writer with an enum"},
        raw.apply("enum-channel-01", AvroWire.registryFramed(registry.register(enumChannel), e)));

    // A writer with a recursive field the contract does not have, nested 200,000 deep: bronze
    // reads it as written, which recursion cannot follow.
    Schema recursive = new Schema.Parser().parse(V3.toString().replace("\"fields\":[",
        "\"fields\":[{\"name\":\"tree\",\"type\":{\"type\":\"record\",\"name\":\"Node\","
            + "\"fields\":[{\"name\":\"child\",\"type\":[\"null\",\"Node\"]}]}},"));
    byte[] deepBody = new byte[200_001];
    Arrays.fill(deepBody, 0, 200_000, (byte) 2);
    byte[] header = java.nio.ByteBuffer.allocate(5).put((byte) 0).putInt(registry.register(recursive)).array();
    add.accept(new String[] {"decode", "NESTING_TOO_DEEP", "deep nesting"},
        raw.apply("deep-0000001", concat(header, concat(deepBody, AvroWire.body(v3("deep-0000001"))))));

    List<RecordMetadata> sent = harness.sendEach(records);
    for (int i = 0; i < sent.size(); i++) {
      place(expectations.get(i)[2], sent.get(i), expectations.get(i)[0], expectations.get(i)[1]);
    }

    // Same event id, different content: the first goes to silver, the second to quarantine.
    GenericRecord first = v3("conflict-00000001");
    GenericRecord second = v3("conflict-00000001");
    second.put("amount", 4_200.0);
    conflictingPair.addAll(harness.sendEach(List.of(raw.apply("conflict-00000001", AvroWire.singleObject(first)),
        raw.apply("conflict-00000001", AvroWire.singleObject(second)))));
    extraSilverIds.add("conflict-00000001");

    // A writer renamed geo_country to country_code, with an alias only the writer knows.
    Schema renamed = new Schema.Parser().parse(V3.toString().replace("{\"name\":\"geo_country\",",
        "{\"name\":\"country_code\",\"aliases\":[\"geo_country\"],"));
    GenericRecord aliased = copyInto(v3("renamed-alias-0001"), renamed);
    aliased.put("country_code", "FR");
    renamedWithAlias = harness.send(TX, 0, "renamed-alias-0001".getBytes(StandardCharsets.UTF_8),
        AvroWire.registryFramed(registry.register(renamed), aliased), 0L);
    extraSilverIds.add("renamed-alias-0001");
  }

  private void undecodable(String name, byte[] value, String reason) {
    place(name, harness.send(TX, 0, ("bad-" + name).getBytes(StandardCharsets.UTF_8), value, 0L), "decode", reason);
  }

  private void violation(String name, String eventId, java.util.function.Consumer<GenericRecord> breakIt, String rule) {
    GenericRecord r = v3(eventId);
    breakIt.accept(r);
    place(name, harness.send(TX, 1, eventId.getBytes(StandardCharsets.UTF_8), AvroWire.singleObject(r), 0L), "quality", rule);
  }

  private void place(String name, RecordMetadata where, String stage, String reason) {
    corpus.put(where.topic() + "/" + where.partition() + "@" + where.offset(), new String[] {stage, reason, name});
  }

  private static GenericRecord v3(String eventId) {
    GenericRecord r = new GenericData.Record(V3);
    r.put("event_id", eventId);
    r.put("card_id", "card-corpus");
    r.put("merchant_id", "m-corpus");
    r.put("amount", 42.0);
    r.put("currency", "EUR");
    r.put("event_time", 1_767_225_600_000L);
    r.put("channel", "pos");
    r.put("geo_country", "DE");
    return r;
  }

  private static GenericRecord copyInto(GenericRecord from, Schema to) {
    GenericRecord r = new GenericData.Record(to);
    for (Schema.Field f : to.getFields()) {
      if (from.getSchema().getField(f.name()) != null) {
        r.put(f.name(), from.get(f.name()));
      }
    }
    return r;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static GenericRecord decodeSingleObject(byte[] bytes) {
    try {
      var framed = new dev.aifactory.schemas.wire.SingleObjectFormat(SchemaCatalog.bundled()).frame(bytes);
      return new dev.aifactory.schemas.wire.PayloadDecoder(new dev.aifactory.schemas.wire.SingleObjectFormat(SchemaCatalog.bundled()),
          framed.writer().schema()).decodeAsWritten(bytes).record();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
