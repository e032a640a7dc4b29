package dev.aifactory.models.registry;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a model is for and which data classes its inputs carry (field to class, from the schemas'
 * classification), checked against the policy when the model is registered.
 */
public record DataUse(String purpose, Map<String, String> classesByField) {

  public Set<String> classes() {
    return new TreeSet<>(classesByField.values());
  }
}
