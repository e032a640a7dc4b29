package dev.aifactory.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.scoring.model.Decision;
import dev.aifactory.scoring.model.Prediction;
import dev.aifactory.scoring.review.ReviewCases;
import dev.aifactory.scoring.review.ReviewDesk;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `factory review` as a reviewer runs it, against a real broker (the queue itself: ReviewDeskTest). */
class ReviewCommandTest {

  @Test
  void aReviewerListsTheOpenCaseAndClosesItWithAVerdict() throws Exception {
    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(1, ReviewCases.DEFAULT_TOPIC, ReviewDesk.DEFAULT_LABELS_TOPIC);
      kafka.createTopics(1, Map.of("cleanup.policy", "compact"), ReviewDesk.DEFAULT_VERDICTS_TOPIC);
      Prediction p = new Prediction();
      p.eventId = "pay-77";
      p.entity = "t.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
      p.tier = Prediction.STREAM;
      p.features = new double[] {12, 3400, Double.NaN};
      p.decision = Decision.REVIEW;
      p.modelName = "fraud";
      p.modelVersion = 2;
      p.score = 0.71;
      p.contributions = new double[] {2.25, 0.5, 0};
      p.baselineLogit = -1.8;
      p.scoredAt = System.currentTimeMillis();
      Properties props = new Properties();
      props.put("bootstrap.servers", kafka.bootstrapServers());
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>(ReviewCases.DEFAULT_TOPIC, p.eventId.getBytes(StandardCharsets.UTF_8),
            ReviewCases.encode(p, List.of("tx_count_1h", "amount_sum_1h", "last_amount"), 0.5, 0.9, p.scoredAt)));
      }
      String bootstrap = kafka.bootstrapServers();

      Run list = run("review", "list", "--bootstrap", bootstrap, "--top", "2");
      assertThat(list.exit).isZero();
      assertThat(list.out).contains("pay-77", "score 0.710", "fraud v2", "tx_count_1h=12.00 (+2.25)", "amount_sum_1h=3400 (+0.50)",
          "1 open case").doesNotContain("last_amount");

      assertThat(run("review", "verdict", "pay-77", "--fraud", "--genuine", "--reviewer", "alice", "--bootstrap", bootstrap).exit)
          .as("fraud and genuine at once").isEqualTo(2);
      Run verdict = run("review", "verdict", "pay-77", "--fraud", "--reviewer", "alice", "--bootstrap", bootstrap);
      assertThat(verdict.exit).as(verdict.out).isZero();
      assertThat(verdict.out).contains("case pay-77 closed: fraud, by alice");
      assertThat(run("review", "list", "--bootstrap", bootstrap).out).contains("0 open cases");
      assertThat(run("review", "verdict", "pay-77", "--genuine", "--reviewer", "bob", "--bootstrap", bootstrap).exit)
          .as("a verdict is final").isEqualTo(1);
      assertThat(kafka.readCommitted(ReviewDesk.DEFAULT_LABELS_TOPIC)).hasSize(1);
    }
  }

  record Run(int exit, String out) {}

  static Run run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      int exit = new CommandLine(new Factory()).execute(args);
      return new Run(exit, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }
}
