package dev.aifactory.scoring.model;

/**
 * A scored event, with everything the audit trail needs: the features used, the model version
 * and checksum that decided, the challenger's shadow score when it scored too, and timings. Both
 * tiers make them: the scoring job ({@link #STREAM}) and the serving API ({@link #SYNC}, with
 * the tenant that asked; a fallback decision there has no score and no model).
 */
public class Prediction {
  public static final String STREAM = "stream";
  public static final String SYNC = "sync";

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
  public String tier = STREAM;
  /** The serving API's tenant; null for the streaming tier. */
  public String tenant;
  /** Why the serving API's declared fallback decided instead of the model; else null (score NaN, model version -1). */
  public String fallbackReason;
  /**
   * REVIEW decisions only (else null): each feature's contribution to the score's logit, in the
   * features' order, and the logit with every feature missing ({@code Contributions}): the
   * evidence a reviewer sees.
   */
  public double[] contributions;
  public double baselineLogit = Double.NaN;

  public Prediction() {}
}
