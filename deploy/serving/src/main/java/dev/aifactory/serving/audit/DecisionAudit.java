package dev.aifactory.serving.audit;

import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.scoring.model.Prediction;
import dev.aifactory.scoring.model.Decision;
import dev.aifactory.scoring.operator.ScoringSettings;
import dev.aifactory.scoring.review.ReviewCases;
import dev.aifactory.scoring.sink.ServedPredictions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every decision of the serving API, sent to Kafka ({@link ServedPredictions}: Avro, keyed by
 * event id) for the scoring job to land in {@code gold.predictions} beside the streaming tier's;
 * a REVIEW also goes to the review topic with its evidence ({@link ReviewCases}), as the
 * streaming job's do.
 * Sending never holds a request longer than {@code max.block.ms} (50 ms by default); a decision
 * whose record cannot be sent is logged with its event id and counted, so a gap in the audit is
 * visible, never silent. The producer is idempotent, so its retries write each record once.
 */
public final class DecisionAudit implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DecisionAudit.class);

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final String reviewTopic;
  private final ScoringSettings thresholds;
  private final List<String> featureNames;
  private final AtomicLong failures = new AtomicLong();

  public DecisionAudit(String bootstrap, Properties producerProperties, String topic, String reviewTopic,
      ScoringSettings thresholds, FeatureView view) {
    this.producer = Producers.create(bootstrap, producerProperties, 50);
    this.topic = topic;
    this.reviewTopic = reviewTopic;
    this.thresholds = thresholds;
    this.featureNames = view.features().stream().map(FeatureDef::name).toList();
  }

  public void record(Prediction p) {
    send(p, topic, () -> ServedPredictions.encode(p, featureNames));
    if (p.decision == Decision.REVIEW) {
      send(p, reviewTopic, () -> ReviewCases.encode(p, featureNames, thresholds.reviewAt(), thresholds.declineAt(), p.scoredAt));
    }
  }

  private void send(Prediction p, String to, java.util.function.Supplier<byte[]> value) {
    try {
      producer.send(new ProducerRecord<>(to, null, p.eventTime, p.eventId.getBytes(StandardCharsets.UTF_8), value.get()),
          (metadata, error) -> {
            if (error != null) {
              failed(p, to, error);
            }
          });
    } catch (RuntimeException e) {
      failed(p, to, e);
    }
  }

  /** Decisions whose audit record could not be sent. */
  public long failures() {
    return failures.get();
  }

  private void failed(Prediction p, String to, Exception e) {
    failures.incrementAndGet();
    LOG.error("the record of decision {} was not written to {}: {}", p.eventId, to, e.toString());
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
