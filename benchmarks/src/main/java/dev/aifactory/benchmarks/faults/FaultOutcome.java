package dev.aifactory.benchmarks.faults;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one drill found, counted by event id and Kafka offset afterwards.
 *
 * @param recovered the job ran again and silver held every acknowledged event within the settle time
 * @param catchUpSeconds from the failed component's return until silver held every event acknowledged before it
 * @param lost acknowledged events missing from silver (table or topic), plus raw offsets in neither bronze nor quarantine
 * @param doubled events twice or more in the silver table, plus raw offsets twice or more in bronze
 */
record FaultOutcome(String fault, String label, String description, boolean recovered, double catchUpSeconds, long lost, long doubled,
    Map<String, Object> details) {

  static FaultOutcome notRun(Fault fault, String reason) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("not_run", reason);
    return new FaultOutcome(fault.name(), fault.label(), fault.description(), false, Double.NaN, 0, 0, details);
  }

  boolean held() {
    return recovered && lost == 0 && doubled == 0;
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("fault", fault);
    json.put("recovered", recovered);
    json.put("catch_up_seconds", Double.isNaN(catchUpSeconds) ? null : catchUpSeconds);
    json.put("lost", lost);
    json.put("doubled", doubled);
    json.put("description", description);
    json.putAll(details);
    return json;
  }
}
