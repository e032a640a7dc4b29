package dev.aifactory.features.definition;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A feature view as written in YAML ({@code features/<name>.yaml}); {@link FeatureViews} checks
 * it and turns it into a {@link FeatureView}. Durations take the factory's forms (10min, 1h, 7d).
 */
public record FeatureViewSpec(
    @JsonProperty("name") String name,
    @JsonProperty("version") int version,
    @JsonProperty("description") String description,
    @JsonProperty("entity") String entity,
    @JsonProperty("source") String source,
    @JsonProperty("contract") String contract,
    @JsonProperty("event_id_field") String eventIdField,
    @JsonProperty("event_time_field") String eventTimeField,
    @JsonProperty("filter") FilterSpec filter,
    @JsonProperty("slide") String slide,
    @JsonProperty("ttl") String ttl,
    @JsonProperty("allowed_lateness") String allowedLateness,
    @JsonProperty("features") List<Feature> features) {

  /** Keep only events whose {@code field} is one of {@code in}. */
  public record FilterSpec(@JsonProperty("field") String field, @JsonProperty("in") List<String> in) {}

  /** One feature: {@code aggregation} of {@code field} over {@code window}. */
  public record Feature(
      @JsonProperty("name") String name,
      @JsonProperty("aggregation") String aggregation,
      @JsonProperty("field") String field,
      @JsonProperty("window") String window) {}
}
