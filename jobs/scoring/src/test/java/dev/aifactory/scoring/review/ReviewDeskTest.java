package dev.aifactory.scoring.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.payments.Label;
import dev.aifactory.scoring.ReviewCase;
import dev.aifactory.scoring.model.Decision;
import dev.aifactory.scoring.model.Prediction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The review queue on a real broker: cases from both tiers (one written twice, as at-least-once
 * delivery may), a fallback case without evidence, verdicts that close cases and become labels
 * in one transaction, and the refusals (a closed case, an unknown one, no reviewer).
 */
class ReviewDeskTest {

  static final List<String> FEATURES = List.of("tx_count_1h", "amount_sum_1h", "last_amount");

  @Test
  void aVerdictClosesItsCaseAndBecomesALabelForTraining() throws Exception {
    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(2, ReviewCases.DEFAULT_TOPIC, ReviewDesk.DEFAULT_LABELS_TOPIC);
      kafka.createTopics(1, Map.of("cleanup.policy", "compact"), ReviewDesk.DEFAULT_VERDICTS_TOPIC);
      Prediction stream = review("evt-1", Prediction.STREAM, null);
      Prediction sync = review("evt-2", Prediction.SYNC, null);
      sync.tenant = "checkout";
      Prediction fallback = review("evt-3", Prediction.SYNC, "online_store_unavailable");
      Properties p = new Properties();
      p.put("bootstrap.servers", kafka.bootstrapServers());
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (Prediction r : List.of(stream, sync, stream, fallback)) {
          producer.send(new ProducerRecord<>(ReviewCases.DEFAULT_TOPIC, r.eventId.getBytes(StandardCharsets.UTF_8),
              ReviewCases.encode(r, FEATURES, 0.5, 0.9, r.scoredAt)));
        }
      }
      ReviewDesk desk = new ReviewDesk(new ReviewDesk.Topics(kafka.bootstrapServers(), new Properties(), new Properties(),
          ReviewCases.DEFAULT_TOPIC, ReviewDesk.DEFAULT_VERDICTS_TOPIC, ReviewDesk.DEFAULT_LABELS_TOPIC));

      List<ReviewCase> open = desk.open();
      assertThat(open).extracting(ReviewCase::getCaseId).containsExactly("evt-1", "evt-2", "evt-3");
      ReviewCase first = open.get(0);
      assertThat(first.getContributions()).containsEntry("tx_count_1h", 1.5).containsEntry("last_amount", -0.25);
      assertThat(first.getFeatures()).containsEntry("tx_count_1h", 4.0).containsEntry("amount_sum_1h", null);
      assertThat(first.getBaselineLogit()).isEqualTo(-2.0);
      assertThat(open.get(1).getTenant()).isEqualTo("checkout");
      assertThat(open.get(2).getFallbackReason()).isEqualTo("online_store_unavailable");
      assertThat(open.get(2).getScore()).isNull();
      assertThat(open.get(2).getContributions()).isEmpty();

      desk.decide("evt-2", true, "alice", "card testing pattern");
      assertThat(desk.open()).extracting(ReviewCase::getCaseId).containsExactly("evt-1", "evt-3");
      assertThatThrownBy(() -> desk.decide("evt-2", false, "bob", null)).hasMessageContaining("no open case evt-2");
      assertThatThrownBy(() -> desk.decide("evt-404", false, "bob", null)).hasMessageContaining("no open case evt-404");
      assertThatThrownBy(() -> desk.decide("evt-1", false, " ", null)).hasMessageContaining("reviewer");

      List<ConsumerRecord<byte[], byte[]>> labels = kafka.readCommitted(ReviewDesk.DEFAULT_LABELS_TOPIC);
      assertThat(labels).hasSize(1);
      Label label = Label.getDecoder().decode(labels.get(0).value());
      assertThat(label.getTransactionId()).isEqualTo("evt-2");
      assertThat(label.getIsFraud()).isTrue();
      assertThat(label.getLabelSource()).isEqualTo(ReviewDesk.LABEL_SOURCE);
      assertThat(label.getCardId()).isEqualTo(sync.entity);
      assertThat(label.getTransactionTime()).isEqualTo(Instant.ofEpochMilli(sync.eventTime));
      assertThat(desk.verdicts().get("evt-2").getReviewer()).isEqualTo("alice");
    }
  }

  static Prediction review(String eventId, String tier, String fallbackReason) {
    Prediction p = new Prediction();
    p.eventId = eventId;
    p.entity = "t.k1.token-of-" + eventId;
    p.eventTime = 1_767_225_600_000L + eventId.hashCode() % 1000;
    p.tier = tier;
    p.features = new double[] {4, Double.NaN, 120};
    p.decision = Decision.REVIEW;
    p.modelName = "fraud";
    p.scoredAt = 1_767_225_600_000L + Integer.parseInt(eventId.substring(4)) * 1000L;
    if (fallbackReason == null) {
      p.modelVersion = 3;
      p.score = 0.62;
      p.contributions = new double[] {1.5, 0, -0.25};
      p.baselineLogit = -2.0;
    } else {
      p.fallbackReason = fallbackReason;
      p.score = Double.NaN;
      p.modelVersion = -1;
    }
    return p;
  }
}
