package dev.aifactory.serving.audit;

import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.scoring.model.Prediction;
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
 * event id) for the scoring job to land in {@code gold.predictions} beside the streaming tier's.
 * Sending never holds a request longer than {@code max.block.ms} (50 ms by default); a decision
 * whose record cannot be sent is logged with its event id and counted, so a gap in the audit is
 * visible, never silent. The producer is idempotent, so its retries write each record once.
 */
public final class DecisionAudit implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DecisionAudit.class);

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final List<String> featureNames;
  private final AtomicLong failures = new AtomicLong();

  public DecisionAudit(String bootstrap, Properties producerProperties, String topic, FeatureView view) {
    this.producer = Producers.create(bootstrap, producerProperties, 50);
    this.topic = topic;
    this.featureNames = view.features().stream().map(FeatureDef::name).toList();
  }

  public void record(Prediction p) {
    try {
      producer.send(new ProducerRecord<>(topic, null, p.eventTime, p.eventId.getBytes(StandardCharsets.UTF_8),
          ServedPredictions.encode(p, featureNames)), (metadata, error) -> {
            if (error != null) {
              failed(p, error);
            }
          });
    } catch (RuntimeException e) {
      failed(p, e);
    }
  }

  /** Decisions whose audit record could not be sent. */
  public long failures() {
    return failures.get();
  }

  private void failed(Prediction p, Exception e) {
    failures.incrementAndGet();
    LOG.error("the audit record of decision {} was not written to {}: {}", p.eventId, topic, e.toString());
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
