package dev.aifactory.scoring.sink;

import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.scoring.model.BatchUsage;
import dev.aifactory.telemetry.Usage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
    Usage usage = Usage.newBuilder()
        .setEventId(job + "/" + u.batchId)
        .setEventTime(Instant.ofEpochMilli(u.time))
        .setResourceId(job + "/" + u.subtask)
        .setResourceType("job")
        // the accelerator the batch ran on, when it ran on one
        .setAcceleratorType(gpu ? acceleratorType : null)
        .setRowsScored((long) u.rows)
        .setBatches(1L)
        .setInferenceMs(u.inferenceNanos / 1e6)
        .setTeam(team)
        .setWorkloadClass(workloadClass)
        .setJob(job)
        .setModel(u.model)
        .build();
    return new ProducerRecord<>(topic, null, u.time, u.batchId.getBytes(StandardCharsets.UTF_8), AvroWire.singleObject(usage));
  }
}
