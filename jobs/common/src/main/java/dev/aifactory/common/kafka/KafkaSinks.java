package dev.aifactory.common.kafka;

import dev.aifactory.common.JobConfig;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The one way the factory builds a Kafka sink, so that every sink of every job gets the same
 * exactly-once set-up:
 * <ul>
 *   <li>a transactional-id prefix unique per deployment, job and sink
 *       ({@code <deployment>.<job>.<sink>}). Two sinks sharing a prefix fence each other's
 *       transactions, and two deployments on one cluster would abort each other's on restart;</li>
 *   <li>a transaction timeout the broker accepts: Flink's default (1 h) is above Kafka's default
 *       {@code transaction.max.timeout.ms} (15 min), which fails the producer at start. With 15
 *       min, a job may be down (restarting, redeploying) up to that long before the broker
 *       aborts its pending transactions; records of an aborted transaction are missing from the
 *       topic (Iceberg, committed by the job's own checkpoints, still has them).</li>
 * </ul>
 * The deployment name is {@code factory.deployment} in any job's configuration.
 */
public final class KafkaSinks {

  public static final String DEPLOYMENT_KEY = "factory.deployment";
  public static final String DEFAULT_DEPLOYMENT = "factory";
  /** Kafka's default {@code transaction.max.timeout.ms}. */
  public static final int DEFAULT_TRANSACTION_TIMEOUT_MS = 15 * 60 * 1000;

  private KafkaSinks() {}

  /** Where a job's Kafka sinks write, and how. */
  public record Target(String bootstrap, Properties producer, DeliveryGuarantee guarantee, String deployment, String job)
      implements java.io.Serializable {

    public static Target of(JobConfig config, String bootstrap, DeliveryGuarantee guarantee, String job) {
      return new Target(bootstrap, config.properties("kafka.producer."), guarantee,
          config.get(DEPLOYMENT_KEY, DEFAULT_DEPLOYMENT), job);
    }

    public Target withGuarantee(DeliveryGuarantee other) {
      return new Target(bootstrap, producer, other, deployment, job);
    }

    /** Unique per deployment, job and sink; only characters a transactional id may hold. */
    public String transactionalIdPrefix(String sink) {
      return (deployment + "." + job + "." + sink).replaceAll("[^A-Za-z0-9._-]", "_");
    }
  }

  public static <T> KafkaSink<T> sink(Target target, String sink, KafkaRecordSerializationSchema<T> serializer) {
    Properties producer = new Properties();
    producer.putAll(target.producer());
    var builder = KafkaSink.<T>builder()
        .setBootstrapServers(target.bootstrap())
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(target.guarantee());
    if (target.guarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
      producer.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(DEFAULT_TRANSACTION_TIMEOUT_MS));
      builder.setTransactionalIdPrefix(target.transactionalIdPrefix(sink));
    }
    return builder.setKafkaProducerConfig(producer).build();
  }
}
