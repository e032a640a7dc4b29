package dev.aifactory.scoring.source;

import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.control.ModelChanges;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registry changes from the control topic. A message that does not decode is logged, counted and skipped. */
public final class ControlTopicDeserializer implements KafkaRecordDeserializationSchema<ModelVersion> {

  private static final Logger LOG = LoggerFactory.getLogger(ControlTopicDeserializer.class);
  private transient Counter undecodable;

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    undecodable = context.getMetricGroup().counter("undecodableControlMessages");
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ModelVersion> out) {
    try {
      out.collect(ModelChanges.decode(record.value()));
    } catch (Exception e) {
      undecodable.inc();
      LOG.error("skipped control message at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
    }
  }

  @Override
  public TypeInformation<ModelVersion> getProducedType() {
    return TypeInformation.of(ModelVersion.class);
  }
}
