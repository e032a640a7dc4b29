package dev.aifactory.training.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;

/**
 * The machine-readable record of one training run: code version, inputs (tables and the Iceberg
 * snapshot ids read), feature-view version, hyperparameters, environment, metrics, the model
 * file's SHA-256, and governance: the model's purpose, its inputs' data classes and the policy
 * decision that allowed them. The model card is generated from it; the registry stores it with the version.
 */
public record RunRecord(
    String runId,
    String startedAt,
    String finishedAt,
    String codeVersion,
    Map<String, Object> model,
    Map<String, Object> featureView,
    Map<String, Object> inputs,
    Map<String, Object> split,
    Map<String, Object> hyperparameters,
    Map<String, Object> metrics,
    Map<String, Object> environment,
    Map<String, Object> governance) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static RunRecord fromJson(String json) {
    try {
      return JSON.readValue(json, RunRecord.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a run record: " + e.getMessage(), e);
    }
  }
}
