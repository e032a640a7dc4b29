package dev.aifactory.ingest.source;

import dev.aifactory.ingest.IngestSettings;
import dev.aifactory.ingest.decode.EdgeDecoder;
import dev.aifactory.ingest.model.Decoded;
import dev.aifactory.ingest.model.RawRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes Kafka messages inside the source, so event time is known where the source assigns
 * watermarks: per Kafka partition, with idleness per partition, instead of per subtask after
 * the partitions' records have been interleaved. A message that cannot be decoded still comes
 * out, as a quarantine record; this never throws for bad input.
 */
public final class DecodingDeserializer implements KafkaRecordDeserializationSchema<Decoded> {

  private final IngestSettings settings;
  private transient EdgeDecoder edge;

  public DecodingDeserializer(IngestSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    edge = new EdgeDecoder(settings, context.getMetricGroup());
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded> out) {
    out.collect(edge.decode(new RawRecord(record.topic(), record.partition(), record.offset(), record.timestamp(),
        record.key(), record.value() == null ? new byte[0] : record.value())));
  }

  @Override
  public TypeInformation<Decoded> getProducedType() {
    return TypeInformation.of(Decoded.class);
  }
}
