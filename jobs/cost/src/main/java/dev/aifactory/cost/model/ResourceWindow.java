package dev.aifactory.cost.model;

/**
 * One resource's use and cost in one tumbling window, for one workload (the labels of the
 * samples that covered it). Costs are at list price; {@code contractedRatio} turns them into
 * contracted cost. A late sample within the allowed lateness re-emits the window with the next
 * {@code revision} and the values it replaces in {@code previous}.
 */
public class ResourceWindow {
  public String resourceId;
  public String resourceType;
  public String acceleratorType;
  public Labels labels;
  public long windowStart;
  public long windowEnd;
  public int samples;
  public double coveredSeconds;
  /** Time in the window after the resource's first sample that no sample covered. */
  public double gapSeconds;
  public double busySeconds;
  public double idleSeconds;
  public double utilizationAvg;
  public double utilizationP95;
  public double energyKwh;
  /** GPU-hours or vCPU-hours of the asset in the window. */
  public double quantity;
  public String unit;
  public double assetCost;
  public double workloadCost;
  public double idleCost;
  public double memoryCost;
  public double memoryGbHours;
  /** The most GPU memory any sample of the window had in use, MiB; NaN when no sample said. */
  public double gpuMemoryUsedMibMax = Double.NaN;
  public double energyCost;
  public double listPrice;
  public double contractedRatio = 1;
  public double energyContractedRatio = 1;
  public String currency = "USD";
  public int revision;
  public ResourceWindow previous;

  public ResourceWindow() {}

  public long windowMillis() {
    return windowEnd - windowStart;
  }

  /** What the workload is charged at contracted prices: its share of the asset, memory and energy. */
  public double effectiveWorkloadCost() {
    return workloadCost * contractedRatio + memoryCost + energyCost * energyContractedRatio;
  }
}
