package dev.aifactory.features.definition;

import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.classification.Classifications;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The data classes a feature view carries: the classes its source contract declares for the
 * fields it reads (entity key, filter, aggregated fields). A model trained on the view carries
 * them too, which is what the policy checks against the model's purpose.
 */
public final class ViewClassification {

  private ViewClassification() {}

  /** Every class of the view's source contract: what a job reading the source records sees. */
  public static Set<String> sourceClasses(FeatureView view) {
    return new java.util.TreeSet<>(Classifications.of(SchemaCatalog.bundled().contract(view.contract()).schema()).classesByField().values());
  }

  /** Field to class label, for the classified fields the view reads; unclassified fields are left out. */
  public static Map<String, String> classesByField(FeatureView view) {
    Map<String, String> classes = Classifications.of(SchemaCatalog.bundled().contract(view.contract()).schema()).classesByField();
    Set<String> read = new LinkedHashSet<>();
    read.add(view.entity());
    if (view.filterField() != null) {
      read.add(view.filterField());
    }
    read.addAll(view.inputFields());
    Map<String, String> out = new TreeMap<>();
    read.stream().filter(classes::containsKey).forEach(f -> out.put(f, classes.get(f)));
    return out;
  }
}
