package dev.aifactory.cost;

import dev.aifactory.cost.model.Labels;
import dev.aifactory.cost.model.ResourceWindow;

/** Resource windows built by hand for rule and row tests. */
public final class TestWindows {

  private TestWindows() {}

  public static ResourceWindow gpu(String id, long start, long size, double utilization, double workloadCost, double idleCost) {
    ResourceWindow w = new ResourceWindow();
    w.resourceId = id;
    w.resourceType = "gpu";
    w.acceleratorType = "H200";
    w.labels = new Labels("risk", "online_inference", "scoring", "fraud:1");
    w.windowStart = start;
    w.windowEnd = start + size;
    w.samples = 4;
    w.coveredSeconds = size / 1000.0;
    w.busySeconds = w.coveredSeconds * utilization;
    w.idleSeconds = w.coveredSeconds - w.busySeconds;
    w.utilizationAvg = utilization;
    w.utilizationP95 = utilization;
    w.quantity = w.coveredSeconds / 3600;
    w.unit = "GPU-Hours";
    w.listPrice = 4.0;
    w.workloadCost = workloadCost;
    w.idleCost = idleCost;
    w.assetCost = workloadCost + idleCost;
    w.energyKwh = 0.01;
    w.energyCost = 0.002;
    w.contractedRatio = 0.75;
    return w;
  }
}
