package dev.aifactory.udfs.gateway;

import dev.aifactory.common.policy.AccessRequest;
import dev.aifactory.common.policy.Policy;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which statements a consumer session of the SQL Gateway may run: queries and session settings
 * over the catalogs the gateway registered, and nothing that defines a catalog, table, function,
 * module or jar of its own or writes. Any of those could read the warehouse's files around the
 * governed catalog, bronze included, which the policy forbids the role.
 *
 * <p>The gateway runs one statement per request, so its first keyword (after comments and
 * opening parentheses) decides. Settings that choose where jars, catalogs and resources come from
 * may not be changed, neither by {@code SET} nor when a session opens.
 */
public final class GovernedStatements {

  static final Set<String> QUERIES = Set.of("SELECT", "WITH", "VALUES", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "USE", "SET", "RESET");
  static final List<String> GUARDED_SETTINGS = List.of("pipeline.jars", "pipeline.classpaths", "table.catalog-store",
      "table.catalog-modification", "table.resources", "table.sql-dialect", "sql-gateway.");

  private final Policy policy;
  private final String role;

  public GovernedStatements(Policy policy, String role) {
    this.policy = policy;
    this.role = role;
  }

  /** Why the statement is refused, or empty when the role may run it. */
  public Optional<String> refusal(String statement) {
    String text = withoutLeadingCommentsAndParentheses(statement);
    String keyword = firstWord(text).toUpperCase(Locale.ROOT);
    if (!QUERIES.contains(keyword)) {
      return Optional.of("statement refused: role '" + role + "' sessions run queries (" + String.join(", ", QUERIES.stream().sorted().toList())
          + "), not " + (keyword.isEmpty() ? "an empty statement" : keyword) + ". A session's own catalog, table, function or jar"
          + " could read the warehouse around the governed catalog, and " + restrictedZones());
    }
    if (keyword.equals("SET") || keyword.equals("RESET")) {
      String key = settingKey(text.substring(keyword.length()));
      if (guarded(key)) {
        return Optional.of("setting '" + key + "' refused: it chooses where jars, catalogs or resources come from, and "
            + restrictedZones());
      }
    }
    return Optional.empty();
  }

  /** Why the session's properties are refused, or empty. */
  public Optional<String> refusal(Map<String, String> sessionProperties) {
    return sessionProperties.keySet().stream().filter(GovernedStatements::guarded).findFirst()
        .map(key -> "session property '" + key + "' refused: it chooses where jars, catalogs or resources come from, and "
            + restrictedZones());
  }

  private String restrictedZones() {
    return policy.evaluate(AccessRequest.role(role, "bronze", "pci")).reason();
  }

  private static boolean guarded(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return GUARDED_SETTINGS.stream().anyMatch(k::startsWith);
  }

  static String withoutLeadingCommentsAndParentheses(String statement) {
    String s = statement;
    while (true) {
      s = s.stripLeading();
      if (s.startsWith("--")) {
        int end = s.indexOf('\n');
        s = end < 0 ? "" : s.substring(end + 1);
      } else if (s.startsWith("/*")) {
        int end = s.indexOf("*/", 2);
        s = end < 0 ? "" : s.substring(end + 2);
      } else if (s.startsWith("(")) {
        s = s.substring(1);
      } else {
        return s;
      }
    }
  }

  private static String firstWord(String s) {
    int end = 0;
    while (end < s.length() && Character.isLetter(s.charAt(end))) {
      end++;
    }
    return s.substring(0, end);
  }

  /** The key of {@code SET 'k' = 'v'}, {@code SET k = v} or {@code RESET 'k'}; empty for a bare SET or RESET. */
  static String settingKey(String rest) {
    String s = withoutLeadingCommentsAndParentheses(rest);
    if (s.startsWith("'") || s.startsWith("`") || s.startsWith("\"")) {
      int end = s.indexOf(s.charAt(0), 1);
      return end < 0 ? s.substring(1) : s.substring(1, end);
    }
    int end = 0;
    while (end < s.length() && !Character.isWhitespace(s.charAt(end)) && s.charAt(end) != '=' && s.charAt(end) != ';') {
      end++;
    }
    return s.substring(0, end);
  }
}
