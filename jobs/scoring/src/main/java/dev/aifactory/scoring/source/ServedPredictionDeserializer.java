package dev.aifactory.scoring.source;

import dev.aifactory.scoring.model.Prediction;
import dev.aifactory.scoring.sink.ServedPredictions;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving API's decisions, for the audit table. A message that does not decode is logged
 * with its coordinates, counted ({@code undecodableServedPredictions}) and skipped: the topic
 * keeps it for inspection, and one bad record never stops the audit of the others.
 */
public final class ServedPredictionDeserializer implements KafkaRecordDeserializationSchema<Prediction> {

  private static final Logger LOG = LoggerFactory.getLogger(ServedPredictionDeserializer.class);
  private final List<String> featureNames;
  private transient Counter undecodable;

  public ServedPredictionDeserializer(List<String> featureNames) {
    this.featureNames = List.copyOf(featureNames);
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    undecodable = context.getMetricGroup().counter("undecodableServedPredictions");
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Prediction> out) {
    try {
      out.collect(ServedPredictions.decode(record.value(), featureNames));
    } catch (Exception e) {
      undecodable.inc();
      LOG.error("skipped served prediction at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
    }
  }

  @Override
  public TypeInformation<Prediction> getProducedType() {
    return TypeInformation.of(Prediction.class);
  }
}
