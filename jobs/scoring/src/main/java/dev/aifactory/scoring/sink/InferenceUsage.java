package dev.aifactory.scoring.sink;

import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.telemetry.Usage;
import java.time.Instant;

/**
 * Inference metering as the cost job reads it: an Avro {@code Usage} record of resource type
 * {@code job} with the rows scored, the calls that scored them and their inference time, labelled
 * with who pays (team), the workload class, the job and the model. Both inference tiers meter
 * through it: the scoring job per batch, the serving API per tenant and interval.
 */
public final class InferenceUsage {

  private InferenceUsage() {}

  /** {@code acceleratorType} null when it ran on CPU. */
  public static byte[] encode(String eventId, long time, String resourceId, String acceleratorType, long rows, long calls,
      double inferenceMs, String team, String workloadClass, String job, String model) {
    return AvroWire.singleObject(Usage.newBuilder()
        .setEventId(eventId)
        .setEventTime(Instant.ofEpochMilli(time))
        .setResourceId(resourceId)
        .setResourceType("job")
        .setAcceleratorType(acceleratorType)
        .setRowsScored(rows)
        .setBatches(calls)
        .setInferenceMs(inferenceMs)
        .setTeam(team)
        .setWorkloadClass(workloadClass)
        .setJob(job)
        .setModel(model)
        .build());
  }
}
