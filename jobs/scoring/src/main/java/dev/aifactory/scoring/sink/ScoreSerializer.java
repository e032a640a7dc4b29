package dev.aifactory.scoring.sink;

import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.scoring.Score;
import dev.aifactory.scoring.model.Prediction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The scores topic: Avro {@code Score} in single-object encoding, keyed by event id, timestamped with event time. */
public final class ScoreSerializer implements KafkaRecordSerializationSchema<Prediction> {

  private final String topic;

  public ScoreSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(Prediction p, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(topic, null, p.eventTime, p.eventId.getBytes(StandardCharsets.UTF_8), encode(p));
  }

  public static byte[] encode(Prediction p) {
    Score score = Score.newBuilder()
        .setEventId(p.eventId)
        .setEntityId(p.entity)
        .setEventTime(Instant.ofEpochMilli(p.eventTime))
        .setScore(p.score)
        .setDecision(dev.aifactory.scoring.Decision.valueOf(p.decision.name()))
        .setModelName(p.modelName)
        .setModelVersion(p.modelVersion)
        .setLatencyMs(p.latencyMicros / 1000.0)
        .setScoredAt(Instant.ofEpochMilli(p.scoredAt))
        .build();
    return AvroWire.singleObject(score);
  }
}
