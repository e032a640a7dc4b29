package dev.aifactory.cost.focus;

/**
 * One cost row in the FinOps FOCUS 1.2 layout ({@code gold.cost_focus}); {@code x} fields are
 * this project's custom columns. A null {@link #consumedQuantity} is a non-usage charge.
 */
public class FocusRow {
  public String billingCurrency;
  public double billedCost;
  public double effectiveCost;
  public double listCost;
  public double contractedCost;
  public double listUnitPrice;
  public double contractedUnitPrice;
  public long chargePeriodStart;
  public long chargePeriodEnd;
  public long billingPeriodStart;
  public long billingPeriodEnd;
  public String chargeCategory;
  public String chargeClass;
  public String chargeDescription;
  public String chargeFrequency;
  public String serviceCategory;
  public String serviceName;
  public String providerName;
  public String resourceId;
  public String resourceType;
  public String skuId;
  public Double consumedQuantity;
  public String consumedUnit;
  public Double pricingQuantity;
  public String pricingUnit;
  public String tags;
  public String xTeam;
  public String xWorkloadClass;
  public String xJob;
  public String xModel;
  public String xCostAllocation;
  public long xWindowSeconds;
  public int xRevision;
  public double xUtilization;

  public FocusRow() {}
}
