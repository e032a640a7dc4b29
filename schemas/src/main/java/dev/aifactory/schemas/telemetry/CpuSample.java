package dev.aifactory.schemas.telemetry;

import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.telemetry.Usage;
import java.time.Instant;

/**
 * A process's CPU as the cost job reads it: an Avro {@code Usage} sample of resource type
 * {@code cpu}, standing for the time until the resource's next sample, labelled with who pays.
 * Samples of one resource at one instant are co-tenants: the cost job splits the capacity
 * between them and charges each the cores it used (or requested, if more).
 */
public final class CpuSample {

  private CpuSample() {}

  /**
   * @param requestedCores null when the workload requested none of its own
   * @param memoryGb null when not measured
   */
  public static byte[] encode(String eventId, long time, String resourceId, double usedCores, Double requestedCores,
      double capacityCores, Double memoryGb, String team, String workloadClass, String job, String model) {
    return AvroWire.singleObject(Usage.newBuilder()
        .setEventId(eventId)
        .setEventTime(Instant.ofEpochMilli(time))
        .setResourceId(resourceId)
        .setResourceType("cpu")
        .setCpuCoresUsed(usedCores)
        .setCpuCoresRequested(requestedCores)
        .setCpuCoresCapacity(capacityCores)
        .setMemoryGb(memoryGb)
        .setTeam(team)
        .setWorkloadClass(workloadClass)
        .setJob(job)
        .setModel(model)
        .build());
  }
}
