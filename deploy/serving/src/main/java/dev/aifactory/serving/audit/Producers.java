package dev.aifactory.serving.audit;

import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The serving API's Kafka producers: idempotent, every replica acknowledged, a send never held longer than {@code maxBlockMs}. */
final class Producers {

  private Producers() {}

  static KafkaProducer<byte[], byte[]> create(String bootstrap, Properties producerProperties, long maxBlockMs) {
    Properties p = new Properties();
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(maxBlockMs));
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.putAll(producerProperties);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
