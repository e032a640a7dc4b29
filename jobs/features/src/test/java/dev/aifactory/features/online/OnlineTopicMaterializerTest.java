package dev.aifactory.features.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.localstack.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The embedded store materialized from a real compacted topic that an older release wrote before
 * the key held the view and version (keyed by the entity alone) and this release continued.
 */
class OnlineTopicMaterializerTest {

  static final FeatureView VIEW = FeatureViews.load("card_activity");
  static final OnlineCodec CODEC = new OnlineCodec(VIEW);

  @Test
  void vectorsAnOlderReleaseKeyedByTheEntityAloneAreServedAndNeverReplaceNewerOnes() throws Exception {
    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(1, Map.of("cleanup.policy", "compact"), "features.card_id");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
          new ByteArraySerializer(), new ByteArraySerializer())) {
        // Before the upgrade: keyed by the entity alone.
        send(producer, "card-a".getBytes(StandardCharsets.UTF_8), row("card-a", 100), 100);
        send(producer, "card-c".getBytes(StandardCharsets.UTF_8), row("card-c", 100), 100);
        send(producer, "card-c".getBytes(StandardCharsets.UTF_8), null, 150); // card-c erased or expired
        send(producer, "card-d".getBytes(StandardCharsets.UTF_8), row("card-d", 100), 100);
        send(producer, "not-a-card".getBytes(StandardCharsets.UTF_8), "junk".getBytes(StandardCharsets.UTF_8), 100);
        // After it: keyed by view, version and entity.
        send(producer, OnlineKey.of(VIEW, "card-b").bytes(), row("card-b", 200), 200);
        send(producer, OnlineKey.of(VIEW, "card-d").bytes(), row("card-d", 200), 200);
        // A late re-send of card-d's old vector under its old key: the newer one stays.
        send(producer, "card-d".getBytes(StandardCharsets.UTF_8), row("card-d", 100), 100);
      }
      LocalOnlineStore store = new LocalOnlineStore();
      try (OnlineTopicMaterializer materializer = new OnlineTopicMaterializer(kafka.bootstrapServers(), new Properties(),
          "features.card_id", List.of(new OnlineCodec(VIEW)), store)) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!store.ready() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(store.ready()).isTrue();
        assertThat(store.read(OnlineKey.of(VIEW, "card-a"))).as("written before the upgrade, served after it")
            .hasValueSatisfying(v -> assertThat(v.validFrom()).isEqualTo(100));
        assertThat(store.read(OnlineKey.of(VIEW, "card-b"))).hasValueSatisfying(v -> assertThat(v.validFrom()).isEqualTo(200));
        assertThat(store.read(OnlineKey.of(VIEW, "card-c"))).as("the old release's tombstone deletes").isEmpty();
        assertThat(store.read(OnlineKey.of(VIEW, "card-d"))).as("the newest vector, whichever key brought it")
            .hasValueSatisfying(v -> assertThat(v.validFrom()).isEqualTo(200));
        assertThat(materializer.skipped()).as("only the record that is no online vector").isEqualTo(1);
      }
    }
  }

  private static byte[] row(String card, long validFrom) {
    double[] values = new double[VIEW.features().size()];
    Arrays.fill(values, 1.0);
    return CODEC.encode(new FeatureRow(card, validFrom, validFrom * 1_000, false, values));
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, byte[] key, byte[] value, long timestamp) throws Exception {
    producer.send(new ProducerRecord<>("features.card_id", null, timestamp, key, value)).get();
  }
}
