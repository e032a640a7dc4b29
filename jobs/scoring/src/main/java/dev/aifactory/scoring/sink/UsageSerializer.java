package dev.aifactory.scoring.sink;

import dev.aifactory.scoring.model.BatchUsage;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Inference metering on the usage topic, as Avro {@code Usage} records the cost job reads:
 * resource type {@code job}, workload class {@code online_inference} (or {@code batch_inference}),
 * the model, rows scored, one batch, inference time, and the accelerator type when it ran on CUDA.
 */
public final class UsageSerializer implements KafkaRecordSerializationSchema<BatchUsage> {

  private final String topic;
  private final String team;
  private final String workloadClass;
  private final String job;
  private final String acceleratorType;

  public UsageSerializer(String topic, String team, String workloadClass, String job, String acceleratorType) {
    this.topic = topic;
    this.team = team;
    this.workloadClass = workloadClass;
    this.job = job;
    this.acceleratorType = acceleratorType;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(BatchUsage u, KafkaSinkContext context, Long timestamp) {
    boolean gpu = "CUDA".equals(u.provider);
    // the accelerator the batch ran on, when it ran on one
    byte[] usage = InferenceUsage.encode(job + "/" + u.batchId, u.time, job + "/" + u.subtask, gpu ? acceleratorType : null,
        u.rows, 1, u.inferenceNanos / 1e6, team, workloadClass, job, u.model);
    return new ProducerRecord<>(topic, null, u.time, u.batchId.getBytes(StandardCharsets.UTF_8), usage);
  }
}
