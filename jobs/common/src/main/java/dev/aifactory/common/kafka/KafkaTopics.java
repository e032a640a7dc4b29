package dev.aifactory.common.kafka;

import dev.aifactory.common.JobConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates a topic a job owns when it is missing (a Kafka source fails on a topic that does not exist). */
public final class KafkaTopics {

  private KafkaTopics() {}

  /**
   * Creates {@code topic} on {@code kafka.bootstrap.servers} (with {@code kafka.admin.*}) unless it
   * exists; an existing topic is left as it is.
   */
  public static void ensure(JobConfig config, String topic, int partitions, short replicationFactor, Map<String, String> configs)
      throws Exception {
    var admin = config.properties("kafka.admin.");
    admin.put("bootstrap.servers", config.get("kafka.bootstrap.servers"));
    try (Admin client = Admin.create(admin)) {
      client.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor).configs(configs))).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }
}
