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
 * HTTP, Flink's mini cluster and an Iceberg warehouse in a temporary folder. One run of the job
 * over a stream that mixes v1/v2/v3 writers, registry-framed writers the jar has never seen,
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

    harness.runBounded(harness.config("e2e").with("ingest.usage.topic", "telemetry.usage"));
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
    bronze.forEach(r -> places.add(r.getField("_partition") + "@" + r.getField("_offset")));
    quarantine.stream().filter(q -> q.getField("stage").equals("decode") && q.getField("topic").equals(TX))
        .forEach(q -> places.add(q.getField("partition") + "@" + q.getField("offset")));

    long rawCount = producedTransactions + registryWritten.size() + corpus.size();
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
    assertThat(ids).isEqualTo(new HashSet<Object>(expected));
  }

  @Test
  void quarantineIsUndecodablePlusViolatorsAndTheKafkaTopicsAgree() {
    List<Record> quarantine = harness.table(IngestTables.QUARANTINE);
    long expectedBad = generated.stream().filter(m -> m.kind() == Kind.UNDECODABLE || m.kind() == Kind.RULE_VIOLATION).count()
        + corpus.size();
    assertThat((long) quarantine.size()).isEqualTo(expectedBad);
    assertThat(harness.readTopic("ingest.quarantine")).hasSize(quarantine.size());
    // Plain Avro and the file in schemas/ alone decode every quarantine message, reason included.
    try {
      var published = new org.apache.avro.message.BinaryMessageDecoder<org.apache.avro.generic.GenericRecord>(
          org.apache.avro.generic.GenericData.get(), new org.apache.avro.Schema.Parser().parse(
              java.nio.file.Path.of("../../schemas/src/main/avro/ops/quarantine-v1.avsc").toFile()));
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
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(15);
    corpus.forEach((place, expected) -> {
      Record q = byPlace.get(place);
      assertThat(q).as("bad input %s (%s) is in quarantine", expected[2], place).isNotNull();
      assertThat(q.getField("stage")).as(expected[2]).isEqualTo(expected[0]);
      assertThat(q.getField("reason")).as(expected[2]).isEqualTo(expected[1]);
      assertThat(q.getField("payload")).as("original bytes kept").isNotNull();
    });
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
        .isEqualTo(registryWritten.size());
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
    assertThat(stored.getField("card_id")).isEqualTo(sent.get("card_id"));
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
    Schema noCard = new Schema.Parser().parse(V3.toString().replaceFirst(
        "\\{\"name\":\"card_id\",\"type\":\"string\",\"doc\":\"[^\"]*\",\"classification\":\"pii\"\\},", ""));
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
