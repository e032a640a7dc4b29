package dev.aifactory.cost.telemetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of a Prometheus text exposition (version 0.0.4): {@code name{label="value",...} value [timestamp]}.
 * Comments, blank lines and NaN values are skipped; label values may contain escaped quotes.
 */
public final class PrometheusText {

  private PrometheusText() {}

  public record Metric(String name, Map<String, String> labels, double value) {}

  public static List<Metric> parse(String text) {
    List<Metric> out = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      String name;
      Map<String, String> labels = new LinkedHashMap<>();
      String rest;
      if (brace >= 0 && (space < 0 || brace < space)) {
        name = line.substring(0, brace);
        int end = parseLabels(line, brace + 1, labels);
        rest = line.substring(end + 1).strip();
      } else {
        name = line.substring(0, space);
        rest = line.substring(space + 1).strip();
      }
      String valueText = rest.split("\\s+")[0];
      double value;
      try {
        value = Double.parseDouble(valueText.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a sample value in: " + line);
      }
      if (!Double.isNaN(value)) {
        out.add(new Metric(name, labels, value));
      }
    }
    return out;
  }

  /** Reads {@code k="v",...} from {@code from}; returns the index of the closing brace. */
  private static int parseLabels(String line, int from, Map<String, String> labels) {
    int i = from;
    while (i < line.length() && line.charAt(i) != '}') {
      int eq = line.indexOf('=', i);
      String key = line.substring(i, eq).strip();
      int q = line.indexOf('"', eq) + 1;
      StringBuilder value = new StringBuilder();
      while (line.charAt(q) != '"') {
        char c = line.charAt(q);
        if (c == '\\') {
          char n = line.charAt(++q);
          value.append(n == 'n' ? '\n' : n);
        } else {
          value.append(c);
        }
        q++;
      }
      labels.put(key, value.toString());
      i = q + 1;
      while (i < line.length() && (line.charAt(i) == ',' || line.charAt(i) == ' ')) {
        i++;
      }
    }
    if (i >= line.length()) {
      throw new IllegalArgumentException("unclosed labels in: " + line);
    }
    return i;
  }
}
