package dev.aifactory.scoring.model;

/** Metering of one inference batch, for the cost job: what ran, how much, how long, where. */
public class BatchUsage {
  public String batchId;
  public long time;
  public String model;
  public String provider;
  public int rows;
  public long inferenceNanos;
  public int subtask;

  public BatchUsage() {}

  public BatchUsage(String batchId, long time, String model, String provider, int rows, long inferenceNanos, int subtask) {
    this.batchId = batchId;
    this.time = time;
    this.model = model;
    this.provider = provider;
    this.rows = rows;
    this.inferenceNanos = inferenceNanos;
    this.subtask = subtask;
  }
}
