package dev.aifactory.features;

import dev.aifactory.features.model.DroppedEvent;
import dev.aifactory.schemas.wire.AvroWire;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Records a silver topic should never hold, from a producer other than ingest: each job that
 * reads silver (features, scoring) must set each aside with its reason and go on. Shared by
 * their end-to-end tests (test-jar).
 */
public final class PoisonSilverRecords {

  private PoisonSilverRecords() {}

  /** Sends them to {@code topic}, each a copy of {@code good} broken one way; returns what each is and its expected reason. */
  public static Map<String, String> send(String bootstrap, String topic, GenericRecord good) {
    Map<String, String> expected = new LinkedHashMap<>();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    broken(records, expected, topic, good, "a million-character card id", DroppedEvent.INVALID_ENTITY_KEY,
        r -> r.put("card_id", "c".repeat(1_000_000)));
    broken(records, expected, topic, good, "an empty card id", DroppedEvent.INVALID_ENTITY_KEY, r -> r.put("card_id", ""));
    broken(records, expected, topic, good, "event time Long.MIN_VALUE", DroppedEvent.EVENT_TIME_OUT_OF_RANGE,
        r -> r.put("event_time", Long.MIN_VALUE));
    broken(records, expected, topic, good, "event time a year ahead", DroppedEvent.EVENT_TIME_OUT_OF_RANGE,
        r -> r.put("event_time", System.currentTimeMillis() + 365L * 86_400_000));
    records.add(new ProducerRecord<>(topic, null, System.currentTimeMillis(), null, new byte[] {0x7E, 1, 2, 3}));
    expected.put("random bytes", DroppedEvent.UNREADABLE);
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("max.request.size", "2000000");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      records.forEach(producer::send);
    }
    return expected;
  }

  private static void broken(List<ProducerRecord<byte[], byte[]>> records, Map<String, String> expected, String topic,
      GenericRecord good, String what, String reason, Consumer<GenericRecord> breakIt) {
    GenericRecord r = new GenericData.Record(good.getSchema());
    good.getSchema().getFields().forEach(f -> r.put(f.name(), good.get(f.name())));
    r.put("event_id", "poison-" + expected.size());
    breakIt.accept(r);
    records.add(new ProducerRecord<>(topic, null, System.currentTimeMillis(), null, AvroWire.singleObject(r)));
    expected.put(what, reason);
  }
}
