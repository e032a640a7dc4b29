package dev.aifactory.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.online.OnlineCodec;
import dev.aifactory.features.online.OnlineKey;
import dev.aifactory.features.online.RedisOnlineStore;
import dev.aifactory.features.online.RedisSettings;
import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.localstack.LocalRedis;
import dev.aifactory.schemas.tokens.Keyring;
import dev.aifactory.schemas.tokens.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code factory erase} against a real broker and Iceberg warehouse, with tokens made by the
 * keyring before and after a rotation. How rows are removed is tested in jobs/common (ErasureTest).
 */
class EraseCommandTest {

  private static final String CARD = "card-000042";
  private static final Schema ROWS = new Schema(
      Types.NestedField.required(1, "event_id", Types.StringType.get()),
      Types.NestedField.required(2, "card_id", Types.StringType.get()));

  @Test
  void erasesTheCardInEveryZoneAndTombstonesItsOnlineRowsUnderEveryKey(@TempDir Path dir) throws Exception {
    Path keyring = dir.resolve("tokens.keyring");
    String oldToken = new Tokenizer(Keyring.create(keyring)).token(CARD);
    Keyring.rotate(keyring);
    String newToken = new Tokenizer(Keyring.load(keyring)).token(CARD);
    Catalog catalog = IcebergCatalogs.local(dir.resolve("warehouse")).loadCatalog();
    Table bronze = catalog.createTable(TableIdentifier.of("bronze", "transactions"), ROWS);
    Table silver = catalog.createTable(TableIdentifier.of("silver", "transactions"), ROWS);
    IcebergAppends.append(bronze, List.of(row("e1", CARD), row("e2", "card-7")));
    IcebergAppends.append(silver, List.of(row("e1", oldToken), row("e3", newToken), row("e2", "t.k2.someoneelse")));

    try (LocalKafka kafka = LocalKafka.start(); LocalRedis redis = LocalRedis.start(dir.resolve("redis"))) {
      // The Redis online store: the card's vectors of two view versions under both tokens, and another card's.
      FeatureView view = FeatureViews.load("card_activity");
      OnlineCodec codec = new OnlineCodec(view);
      double[] values = new double[view.features().size()];
      try (RedisOnlineStore store = new RedisOnlineStore(new RedisSettings(redis.uri(), null, Duration.ofSeconds(2), Duration.ofDays(1)))) {
        for (String token : List.of(newToken, oldToken, "t.k2.someoneelse")) {
          for (int version : List.of(2, 3)) {
            store.write(new OnlineKey(view.name(), version, token), codec.stored(new FeatureRow(token, 1_000, 1, false, values)));
          }
        }
      }
      kafka.createTopics(1, Map.of("cleanup.policy", "compact"), "features.card_id");
      kafka.createTopics(1, "silver.transactions");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
          new ByteArraySerializer(), new ByteArraySerializer())) {
        // The online topic's keys: one per view version (features:<view>:v<version>:<token>), and
        // one of the old format (the token alone), and another card's.
        for (String key : List.of("features:card_activity:v2:" + newToken, "features:card_activity:v3:" + oldToken, newToken,
            "features:card_activity:v2:t.k2.someoneelse")) {
          producer.send(new ProducerRecord<>("features.card_id", key.getBytes(StandardCharsets.UTF_8), new byte[] {1})).get();
        }
      }

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream stdout = System.out;
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      int exit;
      try {
        exit = new CommandLine(new Factory()).setUnmatchedOptionsArePositionalParams(true).execute("erase", "--entity", CARD,
            "--warehouse", dir.resolve("warehouse").toString(), "--keyring", keyring.toString(),
            "--bootstrap", kafka.bootstrapServers(), "--topics", "features.card_id,silver.transactions",
            "--online.store", "redis", "--online.redis.uri", redis.uri());
      } finally {
        System.setOut(stdout);
      }
      String printed = out.toString(StandardCharsets.UTF_8);
      assertThat(exit).as(printed).isZero();
      assertThat(printed).contains("features.card_id: tombstoned 3 key(s)", "silver.transactions: not compacted",
          "online store (Redis): deleted 4 key(s)");
      try (RedisOnlineStore store = new RedisOnlineStore(new RedisSettings(redis.uri(), null, Duration.ofSeconds(2), Duration.ofDays(1)))) {
        for (int version : List.of(2, 3)) {
          assertThat(store.read(new OnlineKey(view.name(), version, newToken))).isEmpty();
          assertThat(store.read(new OnlineKey(view.name(), version, oldToken))).isEmpty();
          assertThat(store.read(new OnlineKey(view.name(), version, "t.k2.someoneelse"))).as("another card's").isPresent();
        }
      }

      assertThat(cards(catalog, "bronze")).containsExactly("card-7");
      assertThat(cards(catalog, "silver")).containsExactly("t.k2.someoneelse");
      Map<String, byte[]> latest = new HashMap<>();
      kafka.readTopic("features.card_id").forEach(r -> latest.put(new String(r.key(), StandardCharsets.UTF_8), r.value()));
      for (String key : List.of("features:card_activity:v2:" + newToken, "features:card_activity:v3:" + oldToken, newToken)) {
        assertThat(latest).containsKey(key);
        assertThat(latest.get(key)).as("the newest value of %s is a tombstone", key).isNull();
      }
      assertThat(latest.get("features:card_activity:v2:t.k2.someoneelse")).as("another card's vector").isNotNull();
    }
  }

  @Test
  void aRoleThePolicyKeepsOutOfRestrictedZonesCannotErase(@TempDir Path dir) {
    Keyring.create(dir.resolve("k"));
    var err = new java.io.StringWriter();
    int exit = new CommandLine(new Factory()).setUnmatchedOptionsArePositionalParams(true).setErr(new java.io.PrintWriter(err))
        .execute("erase", "--entity", CARD, "--warehouse", dir.resolve("w").toString(), "--keyring", dir.resolve("k").toString(),
            "--role", "analyst");
    assertThat(exit).isNotZero();
    assertThat(err.toString()).contains("restricted-zones-are-for-ingest-and-privacy");
  }

  private static List<String> cards(Catalog catalog, String zone) throws Exception {
    List<String> out = new ArrayList<>();
    try (var rows = IcebergGenerics.read(catalog.loadTable(TableIdentifier.of(zone, "transactions"))).build()) {
      rows.forEach(r -> out.add((String) r.getField("card_id")));
    }
    return out;
  }

  private static Record row(String id, String card) {
    GenericRecord r = GenericRecord.create(ROWS);
    r.setField("event_id", id);
    r.setField("card_id", card);
    return r;
  }
}
