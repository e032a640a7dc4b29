package dev.aifactory.scoring.model;

/**
 * A scored event, with everything the audit trail needs: the features used, the model version
 * and checksum that decided, the challenger's shadow score when it scored too, and timings.
 */
public class Prediction {
  public String eventId;
  public String entity;
  public long eventTime;
  public long featureValidFrom;
  public double[] features;
  public double score;
  public Decision decision;
  public String modelName;
  public int modelVersion;
  public String modelSha256;
  /** The challenger's version, or -1 when no challenger scored this event. */
  public int challengerVersion = -1;
  public double challengerScore = Double.NaN;
  public int batchSize;
  /** Time in the scoring operator: from arrival to the batch's result, microseconds. */
  public long latencyMicros;
  /** The ONNX Runtime call of this event's batch, microseconds. */
  public long inferenceMicros;
  public String provider;
  public long scoredAt;

  public Prediction() {}
}
