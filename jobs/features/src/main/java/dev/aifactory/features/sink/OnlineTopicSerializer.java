package dev.aifactory.features.sink;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.online.OnlineCodec;
import dev.aifactory.features.online.OnlineKey;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The online store on Kafka: keyed by {@link OnlineKey} (view, version and entity), so a
 * compacted topic keeps each entity's newest vector per view version, and two versions on one
 * topic never replace each other; an expired entity is a tombstone (null value) that compaction
 * removes. Values are in
 * single-object encoding of {@link OnlineSchema}. Delivery is at least once: a repeat carries the
 * same key and values, and consumers keep the highest {@code valid_from}.
 */
final class OnlineTopicSerializer implements KafkaRecordSerializationSchema<FeatureRow> {

  private final FeatureView view;
  private final String topic;
  private transient OnlineCodec codec;

  OnlineTopicSerializer(FeatureView view, String topic) {
    this.view = view;
    this.topic = topic;
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    codec = new OnlineCodec(view);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(FeatureRow row, KafkaSinkContext context, Long timestamp) {
    byte[] key = OnlineKey.of(view, row.entity).bytes();
    if (row.tombstone) {
      return new ProducerRecord<byte[], byte[]>(topic, null, row.validFrom, key, (byte[]) null);
    }
    return new ProducerRecord<>(topic, null, row.validFrom, key, codec.encode(row));
  }
}
