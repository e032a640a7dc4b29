package dev.aifactory.cost.model;

/**
 * A resource sample (a GPU or a CPU slice at one instant), from a {@code Usage} record. Gauges
 * missing from the record are NaN; the energy counter is -1 when absent.
 */
public class Sample {
  public String eventId;
  public long time;
  public String resourceId;
  /** gpu or cpu. */
  public String resourceType;
  public String acceleratorType;
  public double gpuUtilPct = Double.NaN;
  public double powerW = Double.NaN;
  /** DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION in mJ, a counter since boot; -1 when absent. */
  public long energyMj = -1;
  public double cpuCoresUsed = Double.NaN;
  public double cpuCoresRequested = Double.NaN;
  public double cpuCoresCapacity = Double.NaN;
  public double memoryGb = Double.NaN;
  /**
   * GPU memory in use (DCGM_FI_DEV_FB_USED), MiB; NaN when absent. Added in state layout v2: a
   * sample restored from a v1 savepoint (savepoints/layouts/cost/v1) has NaN, Flink's POJO
   * serializer filling the new field with the constructor's value.
   */
  public double fbUsedMib = Double.NaN;
  /**
   * The fraction of the GPU its holder owns (a MIG instance's slices), in (0, 1]; NaN for a whole
   * or time-sliced GPU. Added in state layout v3: a sample restored from an older savepoint has
   * NaN, as above.
   */
  public double gpuShare = Double.NaN;
  public Labels labels;

  public Sample() {}

  public boolean isGpu() {
    return "gpu".equals(resourceType);
  }
}
