package dev.aifactory.features.sink;

import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.schemas.wire.AvroWire;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The online store on Kafka: keyed by entity, so a compacted topic keeps each entity's newest
 * vector; an expired entity is a tombstone (null value) that compaction removes. Values are in
 * single-object encoding of {@link OnlineSchema}. Delivery is at least once: a repeat carries the
 * same key and values, and consumers keep the highest {@code valid_from}.
 */
final class OnlineTopicSerializer implements KafkaRecordSerializationSchema<FeatureRow> {

  private final FeatureView view;
  private final String topic;
  private transient Schema schema;

  OnlineTopicSerializer(FeatureView view, String topic) {
    this.view = view;
    this.topic = topic;
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    schema = OnlineSchema.of(view);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(FeatureRow row, KafkaSinkContext context, Long timestamp) {
    byte[] key = row.entity.getBytes(StandardCharsets.UTF_8);
    if (row.tombstone) {
      return new ProducerRecord<byte[], byte[]>(topic, null, row.validFrom, key, (byte[]) null);
    }
    GenericData.Record record = new GenericData.Record(schema);
    record.put(view.entity(), row.entity);
    record.put("feature_view_version", view.version());
    record.put("valid_from", row.validFrom);
    record.put("emitted_at", row.emittedAtMicros);
    List<FeatureDef> features = view.features();
    for (int f = 0; f < features.size(); f++) {
      double v = row.values[f];
      record.put(features.get(f).name(), Double.isNaN(v) ? null : features.get(f).aggregation().integral() ? (Object) (long) v : v);
    }
    return new ProducerRecord<>(topic, null, row.validFrom, key, AvroWire.singleObject(record));
  }
}
