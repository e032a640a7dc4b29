package dev.aifactory.cost.focus;

import dev.aifactory.cost.model.ResourceWindow;
import java.io.Serializable;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A resource window as FOCUS 1.2 rows. A first emission is {@code Usage}: the workload's share of
 * the asset, the idle rest (its own row, {@code x_CostAllocation = idle}), memory and energy, each
 * with its consumed quantity. A correction is {@code Adjustment} rows of the differences, with
 * {@code ChargeClass = Correction} and no consumed quantity (FOCUS keeps quantities for usage
 * charges only). Charge periods are the window, UTC, end exclusive; billing periods are months.
 */
public final class FocusRows implements Serializable {

  private final String providerName;
  private final String serviceName;

  public FocusRows(String providerName, String serviceName) {
    this.providerName = providerName;
    this.serviceName = serviceName;
  }

  public List<FocusRow> of(ResourceWindow w) {
    List<FocusRow> rows = new ArrayList<>();
    boolean correction = w.revision > 0 && w.previous != null;
    ResourceWindow p = correction ? w.previous : null;
    String asset = w.resourceType.equals("gpu") ? "GPU" : "vCPU";
    add(rows, w, "workload", asset, w.unit, delta(w.workloadCost, p == null ? 0 : p.workloadCost), w.contractedRatio, w.listPrice,
        asset + " time held by " + w.labels.budgetSubject(), correction);
    add(rows, w, "idle", asset, w.unit, delta(w.idleCost, p == null ? 0 : p.idleCost), w.contractedRatio, w.listPrice,
        asset + " time held by no workload", correction);
    double gbPrice = w.memoryGbHours > 0 ? w.memoryCost / w.memoryGbHours : 0;
    add(rows, w, "workload", "Memory", "GB-Hours", delta(w.memoryCost, p == null ? 0 : p.memoryCost), 1, gbPrice,
        "memory held by " + w.labels.budgetSubject(), correction);
    double kwhPrice = w.energyKwh > 0 ? w.energyCost / w.energyKwh : 0;
    add(rows, w, "workload", "Energy", "kWh", delta(w.energyCost, p == null ? 0 : p.energyCost), w.energyContractedRatio, kwhPrice,
        "energy drawn by " + w.resourceId, correction);
    return rows;
  }

  private static double delta(double now, double before) {
    return now - before;
  }

  private void add(List<FocusRow> rows, ResourceWindow w, String allocation, String resourceType, String unit, double listCost,
      double contractedRatio, double unitPrice, String description, boolean correction) {
    if (Math.abs(listCost) < 1e-12) {
      return;
    }
    FocusRow r = new FocusRow();
    r.billingCurrency = w.currency;
    r.listCost = listCost;
    r.contractedCost = listCost * contractedRatio;
    r.effectiveCost = r.contractedCost;
    r.billedCost = r.contractedCost;
    r.listUnitPrice = unitPrice;
    r.contractedUnitPrice = unitPrice * contractedRatio;
    r.chargePeriodStart = w.windowStart;
    r.chargePeriodEnd = w.windowEnd;
    YearMonth month = YearMonth.from(Instant.ofEpochMilli(w.windowStart).atZone(ZoneOffset.UTC));
    r.billingPeriodStart = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    r.billingPeriodEnd = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    r.chargeCategory = correction ? "Adjustment" : "Usage";
    r.chargeClass = correction ? "Correction" : null;
    r.chargeDescription = description;
    r.chargeFrequency = "Usage-Based";
    r.serviceCategory = "AI and Machine Learning";
    r.serviceName = serviceName;
    r.providerName = providerName;
    r.resourceId = w.resourceId;
    r.resourceType = resourceType;
    r.skuId = resourceType.equals("GPU") ? "gpu-hour/" + w.acceleratorType : resourceType.toLowerCase() + "/" + unit;
    if (!correction) {
      double quantity = unitPrice > 0 ? listCost / unitPrice : 0;
      r.consumedQuantity = quantity;
      r.consumedUnit = unit;
      r.pricingQuantity = quantity;
      r.pricingUnit = unit;
    }
    r.tags = tags(w, allocation);
    r.xTeam = w.labels.team;
    r.xWorkloadClass = w.labels.workloadClass;
    r.xJob = w.labels.job;
    r.xModel = w.labels.model;
    r.xCostAllocation = allocation;
    r.xWindowSeconds = (w.windowEnd - w.windowStart) / 1000;
    r.xRevision = w.revision;
    r.xUtilization = w.utilizationAvg;
    rows.add(r);
  }

  /** FOCUS Tags as a JSON object, built directly: one per row, so no JSON library on the hot path. */
  static String tags(ResourceWindow w, String allocation) {
    StringBuilder json = new StringBuilder(128).append('{');
    field(json, "team", w.labels.team);
    field(json, "workload_class", w.labels.workloadClass);
    field(json, "job", w.labels.job);
    field(json, "model", w.labels.model);
    field(json, "accelerator", w.acceleratorType);
    field(json, "allocation", allocation);
    return json.append('}').toString();
  }

  private static void field(StringBuilder json, String key, String value) {
    if (value == null) {
      return;
    }
    if (json.length() > 1) {
      json.append(',');
    }
    json.append('"').append(key).append("\":\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }
}
