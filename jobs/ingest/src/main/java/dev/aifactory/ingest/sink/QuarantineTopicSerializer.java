package dev.aifactory.ingest.sink;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.ingest.model.Quarantined;
import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.wire.AvroWire;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Ingest's dead letters on Kafka: Avro single-object {@code QuarantineRecord}, keyed by the
 * original key. The record keeps its published field names ({@code domain} is the dead letter's
 * subject, {@code quarantined_at} its {@code recorded_at}), so consumers of the topic are unaffected.
 */
public final class QuarantineTopicSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

  public static final String SCHEMA_NAME = "dev.aifactory.ops.QuarantineRecord";

  private final String topic;
  private transient Schema schema;

  public QuarantineTopicSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    schema = SchemaCatalog.bundled().contract(SCHEMA_NAME).schema();
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(DeadLetter q, KafkaSinkContext context, Long timestamp) {
    if (schema == null) {
      schema = SchemaCatalog.bundled().contract(SCHEMA_NAME).schema();
    }
    GenericRecord r = new GenericData.Record(schema);
    r.put("domain", q.subject);
    r.put("stage", q.stage);
    r.put("reason", q.reason);
    r.put("detail", q.detail);
    r.put("topic", q.topic);
    r.put("partition", q.partition);
    r.put("offset", q.offset);
    r.put("kafka_timestamp", q.kafkaTimestamp);
    r.put("key", q.key == null ? null : ByteBuffer.wrap(q.key));
    r.put("payload", q.payload == null ? null : ByteBuffer.wrap(q.payload));
    r.put("schema_ref", q.schemaRef);
    r.put("event_id", q.eventId);
    r.put("quarantined_at", q.recordedAt);
    r.put("original_length", q.originalLength);
    r.put("original_sha256", q.originalSha256);
    return new ProducerRecord<>(topic, null, q.recordedAt, q.key, AvroWire.singleObject(r));
  }
}
