package dev.aifactory.scoring.review;

import dev.aifactory.scoring.model.Prediction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The streaming job's REVIEW decisions as {@link ReviewCases} on the review topic, keyed by case id. */
public final class ReviewCaseSerializer implements KafkaRecordSerializationSchema<Prediction> {

  private final String topic;
  private final List<String> featureNames;
  private final double reviewAt;
  private final double declineAt;

  public ReviewCaseSerializer(String topic, List<String> featureNames, double reviewAt, double declineAt) {
    this.topic = topic;
    this.featureNames = List.copyOf(featureNames);
    this.reviewAt = reviewAt;
    this.declineAt = declineAt;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(Prediction p, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(topic, null, p.eventTime, p.eventId.getBytes(StandardCharsets.UTF_8),
        ReviewCases.encode(p, featureNames, reviewAt, declineAt, p.scoredAt));
  }
}
