package dev.aifactory.cost.alerts;

import dev.aifactory.common.JobConfig;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Monthly budgets per team and workload class, from {@code cost.budget.<team>.<workload_class>}
 * (amounts in the price list's currency).
 */
public final class Budgets implements Serializable {

  private final Map<String, Double> bySubject;

  public Budgets(Map<String, Double> bySubject) {
    this.bySubject = new HashMap<>(bySubject);
  }

  public static Budgets from(JobConfig config) {
    Map<String, Double> budgets = new HashMap<>();
    config.withPrefix("cost.budget.").forEach((key, value) -> {
      int dot = key.indexOf('.');
      if (dot > 0) {
        budgets.put(key.substring(0, dot) + "/" + key.substring(dot + 1), Double.parseDouble(value));
      }
    });
    return new Budgets(budgets);
  }

  /** The monthly budget of {@code team/workload_class}, or null when it has none. */
  public Double of(String subject) {
    return bySubject.get(subject);
  }
}
