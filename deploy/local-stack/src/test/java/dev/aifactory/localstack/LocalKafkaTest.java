package dev.aifactory.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class LocalKafkaTest {

  @Test
  void aRecordProducedIsConsumedBack() throws Exception {
    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(2, "roundtrip");
      kafka.createTopics(2, "roundtrip"); // idempotent
      Properties p = new Properties();
      p.put("bootstrap.servers", kafka.bootstrapServers());
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("roundtrip", "k", "v")).get();
      }
      Properties c = new Properties();
      c.put("bootstrap.servers", kafka.bootstrapServers());
      c.put("group.id", "t");
      c.put("auto.offset.reset", "earliest");
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of("roundtrip"));
        String value = null;
        long deadline = System.currentTimeMillis() + 30_000;
        while (value == null && System.currentTimeMillis() < deadline) {
          ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
          if (!records.isEmpty()) {
            value = records.iterator().next().value();
          }
        }
        assertThat(value).isEqualTo("v");
      }
    }
  }
}
