package dev.aifactory.features.model;

/**
 * One source event as a feature view reads it: the entity, the event time, and the fields its
 * features aggregate, in the view's order ({@code FeatureView.numericFields} then
 * {@code distinctFields}). Null numbers are NaN; null categories are null.
 */
public class FeatureInput {
  public String entity;
  public String eventId;
  public long eventTime;
  public double[] numbers;
  public String[] categories;

  public FeatureInput() {}

  public FeatureInput(String entity, String eventId, long eventTime, double[] numbers, String[] categories) {
    this.entity = entity;
    this.eventId = eventId;
    this.eventTime = eventTime;
    this.numbers = numbers;
    this.categories = categories;
  }
}
