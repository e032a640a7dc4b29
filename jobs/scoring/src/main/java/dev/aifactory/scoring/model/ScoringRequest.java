package dev.aifactory.scoring.model;

/**
 * One event to score, with the feature vector valid at its event time in the model's feature
 * order (NaN where a value is missing). {@code featureValidFrom} is the valid_from of the row
 * the values came from: the event's own time, since every event gets its own row.
 */
public class ScoringRequest {
  public String eventId;
  public String entity;
  public long eventTime;
  public long featureValidFrom;
  public double[] features;

  public ScoringRequest() {}

  public ScoringRequest(String eventId, String entity, long eventTime, long featureValidFrom, double[] features) {
    this.eventId = eventId;
    this.entity = entity;
    this.eventTime = eventTime;
    this.featureValidFrom = featureValidFrom;
    this.features = features;
  }
}
