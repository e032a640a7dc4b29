package dev.aifactory.features.definition;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A checked feature view: one definition that drives the streaming job, the backfill, training
 * sets and SQL views. Everything a job needs is here and serializable.
 *
 * <p>Windows: the value of a feature at time {@code T} (a multiple of {@code slideMillis})
 * aggregates the events with event time in {@code [T - window, T)}, exactly; values are
 * emitted at every slide end where some window's content changed, {@code valid_from = T}.
 *
 * @param numericFields the distinct numeric fields features aggregate, in slice order
 * @param distinctFields the distinct fields counted with sketches, in slice order
 * @param definitionSha256 hash of the definition: the same name and version must never come
 *     with another definition
 */
public record FeatureView(
    String name,
    int version,
    String entity,
    String source,
    String contract,
    String eventIdField,
    String eventTimeField,
    String filterField,
    Set<String> filterValues,
    long slideMillis,
    long ttlMillis,
    long allowedLatenessMillis,
    List<FeatureDef> features,
    List<String> numericFields,
    List<String> distinctFields,
    String definitionSha256) implements Serializable {

  /** The window sizes in use, ascending, each once. */
  public long[] windows() {
    return features.stream().mapToLong(FeatureDef::windowMillis).distinct().sorted().toArray();
  }

  public long maxWindowMillis() {
    return features.stream().mapToLong(FeatureDef::windowMillis).max().orElseThrow();
  }

  /** Every field the view reads from a source record besides the entity and event time. */
  public List<String> inputFields() {
    Set<String> fields = new LinkedHashSet<>(numericFields);
    fields.addAll(distinctFields);
    return new ArrayList<>(fields);
  }

  /** {@code <name>_v<version>}: names the view's state, topics' schemas and uids. */
  public String id() {
    return name + "_v" + version;
  }
}
