package dev.aifactory.common.policy;

import dev.aifactory.common.JobConfig;
import dev.aifactory.common.YamlDefinitions;
import java.io.Serializable;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The access policy (bundled {@code governance/policy.yaml}, or the file named by
 * {@code governance.policy.file}), evaluated as Cedar does: default deny, a matching forbid
 * wins over any permit, else a matching permit allows. Every decision names its rule and the
 * policy version, so a denial says exactly what to change.
 */
public final class Policy implements Serializable {

  public static final String FILE_OPTION = "governance.policy.file";
  /** The class of every column a schema does not classify. */
  public static final String UNCLASSIFIED = "none";

  private final int version;
  private final List<PolicyRule> rules;

  private Policy(int version, List<PolicyRule> rules) {
    this.version = version;
    this.rules = List.copyOf(rules);
    Set<String> ids = new HashSet<>();
    for (PolicyRule r : rules) {
      if (r.id() == null || !ids.add(r.id())) {
        throw new IllegalArgumentException("policy v" + version + ": every rule needs a unique id; got " + r.id());
      }
      if (r.effect() == null || (r.roles() == null) == (r.purposes() == null)) {
        throw new IllegalArgumentException("policy rule " + r.id() + ": needs an effect and either roles or purposes");
      }
    }
  }

  /** The file the configuration names, else the bundled policy. */
  public static Policy from(JobConfig config) {
    String file = config.get(FILE_OPTION, "");
    return read(file.isBlank() ? "policy" : file);
  }

  public static Policy bundled() {
    return read("policy");
  }

  static Policy parse(String yaml) {
    Spec spec = YamlDefinitions.parse(yaml, "policy", Spec.class);
    return new Policy(spec.version, spec.rules);
  }

  private static Policy read(String nameOrPath) {
    Spec spec = YamlDefinitions.read(nameOrPath, "governance", "policy", Spec.class);
    return new Policy(spec.version, spec.rules);
  }

  public int version() {
    return version;
  }

  public List<PolicyRule> rules() {
    return rules;
  }

  public Decision evaluate(AccessRequest request) {
    for (PolicyRule r : rules) {
      if (r.effect() == PolicyRule.Effect.FORBID && r.matches(request)) {
        return new Decision(false, r.id(), version, "denied by policy v" + version + " rule '" + r.id() + "': " + request.describe());
      }
    }
    for (PolicyRule r : rules) {
      if (r.effect() == PolicyRule.Effect.PERMIT && r.matches(request)) {
        return new Decision(true, r.id(), version, "allowed by policy v" + version + " rule '" + r.id() + "': " + request.describe());
      }
    }
    return new Decision(false, null, version, "denied by policy v" + version + ": no rule permits " + request.describe());
  }

  /**
   * Every class a role reads in a zone must be allowed; the first denial throws. Returns the
   * decisions, for logs and cards.
   */
  public List<Decision> requireRead(String role, String zone, Collection<String> classes) {
    return requireAll(withUnclassified(classes).stream().map(c -> evaluate(AccessRequest.role(role, zone, c))).toList());
  }

  /** Every class a model's features use must be allowed for its purpose; the first denial throws. */
  public List<Decision> requirePurpose(String purpose, Collection<String> classes) {
    return requireAll(withUnclassified(classes).stream().map(c -> evaluate(AccessRequest.purpose(purpose, c))).toList());
  }

  /** Throws for a denial when there is one, naming a forbidding rule in preference to "no rule permits". */
  private static List<Decision> requireAll(List<Decision> decisions) {
    decisions.stream().filter(d -> !d.allowed() && d.rule() != null).findFirst().ifPresent(Decision::require);
    decisions.forEach(Decision::require);
    return decisions;
  }

  private static List<String> withUnclassified(Collection<String> classes) {
    Set<String> all = new java.util.TreeSet<>(classes);
    all.add(UNCLASSIFIED);
    return List.copyOf(all);
  }

  /** The file's shape. */
  static final class Spec {
    public int version;
    public List<PolicyRule> rules;
  }
}
