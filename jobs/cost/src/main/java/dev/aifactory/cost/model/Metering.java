package dev.aifactory.cost.model;

/** What a job did in an interval (rows scored, records ingested), from a {@code Usage} metering record. */
public class Metering {
  public String eventId;
  public long time;
  public Labels labels;
  public long rowsScored;
  public long batches;
  public double inferenceMs;
  public long recordsIngested;
  public String acceleratorType;

  public Metering() {}
}
