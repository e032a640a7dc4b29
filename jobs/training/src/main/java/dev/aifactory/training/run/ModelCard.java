package dev.aifactory.training.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model card generated from a {@link RunRecord}, never written by hand: every number in it is
 * the run record's, so the card cannot drift from what was trained.
 */
public final class ModelCard {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelCard() {}

  public static String markdown(RunRecord r) {
    StringBuilder md = new StringBuilder();
    md.append("# Model card: ").append(r.model().get("name")).append(" v").append(r.model().get("version")).append("\n\n");
    md.append("_Generated from run `").append(r.runId()).append("`; do not edit._\n\n");
    md.append("## Model\n\n");
    md.append("- Task: probability that a card transaction is fraud; decisions come from the scoring job's thresholds.\n");
    md.append("- Algorithm: ").append(r.hyperparameters().get("algorithm")).append("\n");
    md.append("- File: `").append(r.model().get("file")).append("` (ONNX, SHA-256 `").append(r.model().get("sha256")).append("`)\n");
    md.append("- Input `").append(r.model().get("input_name")).append("` [batch, ").append(((List<?>) r.model().get("feature_order")).size())
        .append("] float32, raw feature values, NaN when missing; output `").append(r.model().get("output_name")).append("` [batch, 1]\n\n");
    md.append("## Features\n\n");
    md.append("From feature view `").append(r.featureView().get("name")).append("` version ").append(r.featureView().get("version"))
        .append(" (definition SHA-256 `").append(r.featureView().get("sha256")).append("`), in this order:\n\n");
    List<?> order = (List<?>) r.model().get("feature_order");
    for (int i = 0; i < order.size(); i++) {
      md.append(i + 1).append(". `").append(order.get(i)).append("`\n");
    }
    md.append("\n## Data classes and policy\n\n");
    Map<?, ?> g = r.governance();
    md.append("- Purpose: `").append(g.get("purpose")).append("`\n");
    md.append("- Classified inputs: ");
    Map<?, ?> classes = (Map<?, ?>) g.get("data_classes");
    md.append(classes.isEmpty() ? "none" : classes.entrySet().stream().map(e -> "`" + e.getKey() + "` (" + e.getValue() + ")")
        .collect(java.util.stream.Collectors.joining(", "))).append("; silver and gold hold them protected (tokens, rounded, truncated)\n");
    md.append("- Policy version ").append(g.get("policy_version")).append(":\n");
    ((List<?>) g.get("decisions")).forEach(d -> md.append("  - ").append(d).append("\n"));
    md.append("\n## Training data\n\n");
    md.append("- Training set: `").append(r.inputs().get("training_set")).append("` at snapshot ").append(r.inputs().get("training_set_snapshot")).append("\n");
    md.append("- Its inputs, at snapshots: `").append(r.inputs().get("training_set_inputs")).append("`\n");
    md.append("- Split by event time: ").append(r.split().get("train_rows")).append(" rows train, ")
        .append(r.split().get("validation_rows")).append(" rows validate, from ").append(r.split().get("validation_from")).append("\n\n");
    md.append("## Validation metrics\n\n| metric | value |\n|---|---|\n");
    r.metrics().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(format(v)).append(" |\n"));
    md.append("\n## Hyperparameters\n\n| name | value |\n|---|---|\n");
    r.hyperparameters().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(format(v)).append(" |\n"));
    md.append("\n## Provenance\n\n");
    md.append("- Code version: `").append(r.codeVersion()).append("`\n");
    md.append("- Trained ").append(r.startedAt()).append(" to ").append(r.finishedAt()).append("\n");
    r.environment().forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append("\n"));
    md.append("\n## Limits\n\n");
    md.append("- Trained on ").append(r.inputs().get("training_set")).append(" only: a shift in card behaviour or fraud patterns needs a new run.\n");
    md.append("- Labels arrive days after transactions; recent fraud not yet labelled counts as genuine in training.\n");
    return md.toString();
  }

  /** The card's machine-readable form: the same facts, for catalogs and checks. */
  public static String json(RunRecord r) {
    Map<String, Object> card = new LinkedHashMap<>();
    card.put("model", r.model());
    card.put("run_id", r.runId());
    card.put("code_version", r.codeVersion());
    card.put("feature_view", r.featureView());
    card.put("training_data", Map.of("inputs", r.inputs(), "split", r.split()));
    card.put("governance", r.governance());
    card.put("metrics", r.metrics());
    card.put("hyperparameters", r.hyperparameters());
    card.put("environment", r.environment());
    try {
      return JSON.writeValueAsString(card);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String format(Object v) {
    return v instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : String.valueOf(v);
  }
}
