package dev.aifactory.cost.economics;

import dev.aifactory.cost.model.Labels;

/** What one job did in one window: the sums of its metering records. */
public class MeteringWindow {
  public Labels labels;
  public long windowStart;
  public long windowEnd;
  public long rowsScored;
  public long batches;
  public double inferenceMs;
  public long recordsIngested;

  public MeteringWindow() {}

  /** Who unit economics are per: the model for inference, the job (a training run, an ingest job) otherwise. */
  public static String subject(Labels labels) {
    return labels.workloadClass + "|" + (labels.model != null ? labels.model : labels.job);
  }
}
