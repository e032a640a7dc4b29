package dev.aifactory.cost.economics;

/**
 * Cost per unit of work in one window, for one model (inference) or job (training, ingestion).
 * Ratios are NaN where the window has no such work.
 */
public class UnitEconomicsRow {
  public long windowStart;
  public long windowEnd;
  public String workloadClass;
  public String subject;
  public String team;
  public double effectiveCost;
  public long rowsScored;
  public long recordsIngested;
  public double acceleratorHours;
  public double costPer1kPredictions = Double.NaN;
  public double costPerMillionRecords = Double.NaN;
  public double predictionsPerAcceleratorHour = Double.NaN;
  public int revision;

  public UnitEconomicsRow() {}
}
