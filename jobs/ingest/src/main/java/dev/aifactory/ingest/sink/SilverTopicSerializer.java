package dev.aifactory.ingest.sink;

import dev.aifactory.common.kafka.ArrivalTime;
import dev.aifactory.ingest.IngestSettings;
import dev.aifactory.ingest.decode.DomainDecoders;
import dev.aifactory.ingest.model.Accepted;
import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.schemas.wire.UndecodableException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Silver records on Kafka for the features job: re-encoded in the contract (single-object
 * encoding) with classified fields protected as in the silver table, keyed by event id, timestamped with event time,
 * with the raw record's timestamp in the {@link ArrivalTime} header. Consumers see one schema per
 * domain whatever version the producer wrote.
 */
public final class SilverTopicSerializer implements KafkaRecordSerializationSchema<Accepted> {

  private final IngestSettings settings;
  private transient DomainDecoders decoders;

  public SilverTopicSerializer(IngestSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    decoders = new DomainDecoders(settings);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(Accepted a, KafkaSinkContext context, Long timestamp) {
    if (decoders == null) {
      decoders = new DomainDecoders(settings);
    }
    try {
      ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(settings.silverTopic(a.domain), null, a.eventTime,
          a.eventId.getBytes(StandardCharsets.UTF_8), AvroWire.singleObject(decoders.silverRecord(a.domain, a.payload)));
      // When the event reached the factory (its raw record's timestamp): readers judge lateness by it.
      if (a.kafkaTimestamp >= 0) { // Kafka's "no timestamp" is -1
        record.headers().add(ArrivalTime.HEADER, ArrivalTime.encode(a.kafkaTimestamp));
      }
      return record;
    } catch (UndecodableException e) {
      // It decoded moments ago at the edge (EdgeDecoder) with the same decoder: this is a bug, not data.
      throw new IllegalStateException("record " + a.eventId + " no longer decodes", e);
    }
  }
}
