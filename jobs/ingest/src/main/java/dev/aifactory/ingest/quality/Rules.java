package dev.aifactory.ingest.quality;

import dev.aifactory.common.JobConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import dev.aifactory.schemas.classification.Classifications;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/** Turns declared {@link RuleSpec}s into {@link QualityRule}s, checked against the contract. */
public final class Rules {

  private Rules() {}

  /** The violation mask is a long: one bit per rule. */
  public static final int MAX_RULES = 64;

  public static List<QualityRule> from(List<RuleSpec> specs, Schema contract) {
    if (specs.size() > MAX_RULES) {
      throw new IllegalArgumentException("at most " + MAX_RULES + " rules per domain, got " + specs.size());
    }
    List<QualityRule> rules = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Classifications classified = Classifications.of(contract);
    for (RuleSpec spec : specs) {
      if (spec.name() == null || !names.add(spec.name())) {
        throw new IllegalArgumentException("every rule needs a unique name; got " + spec.name());
      }
      String field = spec.field() != null ? spec.field() : spec.keyEqualsField();
      if (field == null || contract.getField(field) == null) {
        throw new IllegalArgumentException("rule " + spec.name() + " names field '" + field
            + "', which the contract " + contract.getFullName() + " does not have");
      }
      QualityRule rule = build(spec);
      // Violation details go to quarantine and to the dq table; a classified value must not.
      rules.add(classified.field(field).<QualityRule>map(f -> new Withheld(rule, field, f.dataClass().label())).orElse(rule));
    }
    return List.copyOf(rules);
  }

  private static QualityRule build(RuleSpec s) {
    int kinds = count(s.notNull() != null, s.min() != null || s.max() != null, s.allowed() != null,
        s.pattern() != null, s.maxLength() != null, s.notAfterNow() != null, s.keyEqualsField() != null);
    if (kinds != 1) {
      throw new IllegalArgumentException("rule " + s.name() + " must declare exactly one check, found " + kinds);
    }
    if (s.notNull() != null) {
      return new NotNull(s.name(), s.field());
    }
    if (s.min() != null || s.max() != null) {
      return new Range(s.name(), s.field(), s.min() == null ? Double.NEGATIVE_INFINITY : s.min(),
          s.max() == null ? Double.POSITIVE_INFINITY : s.max());
    }
    if (s.allowed() != null) {
      return new Allowed(s.name(), s.field(), Set.copyOf(s.allowed()));
    }
    if (s.pattern() != null) {
      return new Matches(s.name(), s.field(), s.pattern());
    }
    if (s.maxLength() != null) {
      return new MaxLength(s.name(), s.field(), s.maxLength());
    }
    if (s.notAfterNow() != null) {
      return new NotInFuture(s.name(), s.field(), JobConfig.of(java.util.Map.of("t", s.notAfterNow()))
          .getDuration("t", Duration.ZERO).toMillis());
    }
    return new KeyEqualsField(s.name(), s.keyEqualsField());
  }

  private static int count(boolean... flags) {
    int n = 0;
    for (boolean f : flags) {
      n += f ? 1 : 0;
    }
    return n;
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "... (" + s.length() + " chars)";
  }

  /** A rule on a classified field: its detail names the field and the rule, never the value. */
  record Withheld(QualityRule rule, String field, String dataClass) implements QualityRule {
    public String name() {
      return rule.name();
    }

    public String check(GenericRecord r, byte[] key, long now) {
      String detail = rule.check(r, key, now);
      return detail == null ? null : field + " fails " + rule.name() + " (value withheld: " + dataClass + ")";
    }
  }

  record NotNull(String name, String field) implements QualityRule {
    public String check(GenericRecord r, byte[] key, long now) {
      return r.get(field) == null ? field + " is null" : null;
    }
  }

  record Range(String name, String field, double min, double max) implements QualityRule {
    public String check(GenericRecord r, byte[] key, long now) {
      Object v = r.get(field);
      if (v == null) {
        return null; // absence is not_null's business
      }
      double d = ((Number) v).doubleValue();
      // NaN compares false with everything, so it fails this test on purpose.
      return d >= min && d <= max ? null : field + "=" + d + " outside [" + min + ", " + max + "]";
    }
  }

  record Allowed(String name, String field, Set<String> values) implements QualityRule {
    public String check(GenericRecord r, byte[] key, long now) {
      String v = text(r.get(field));
      return v == null || values.contains(v) ? null : field + "='" + abbreviate(v) + "' not in " + values;
    }
  }

  static final class Matches implements QualityRule {
    private final String name;
    private final String field;
    private final String regex;
    private transient Pattern compiled;

    Matches(String name, String field, String regex) {
      this.name = name;
      this.field = field;
      this.regex = regex;
      this.compiled = Pattern.compile(regex);
    }

    public String name() {
      return name;
    }

    public String check(GenericRecord r, byte[] key, long now) {
      String v = text(r.get(field));
      if (v == null) {
        return null;
      }
      if (compiled == null) {
        compiled = Pattern.compile(regex);
      }
      return compiled.matcher(v).matches() ? null : field + "='" + abbreviate(v) + "' does not match " + regex;
    }
  }

  record MaxLength(String name, String field, int max) implements QualityRule {
    public String check(GenericRecord r, byte[] key, long now) {
      String v = text(r.get(field));
      return v == null || v.length() <= max ? null : field + " has " + v.length() + " chars, max " + max;
    }
  }

  record NotInFuture(String name, String field, long toleranceMillis) implements QualityRule {
    public String check(GenericRecord r, byte[] key, long now) {
      Object v = r.get(field);
      if (v == null) {
        return null;
      }
      long t = ((Number) v).longValue();
      return t <= now + toleranceMillis ? null : field + "=" + t + " is " + (t - now) / 1000 + " s in the future";
    }
  }

  record KeyEqualsField(String name, String field) implements QualityRule {
    public String check(GenericRecord r, byte[] key, long now) {
      if (key == null) {
        return "Kafka key is null (must equal " + field + ")";
      }
      String v = text(r.get(field));
      byte[] expected = v == null ? null : v.getBytes(StandardCharsets.UTF_8);
      return Arrays.equals(expected, key) ? null : "Kafka key differs from " + field;
    }
  }
}
