package dev.aifactory.launcher.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * SQL files as statements: {@code --} comments dropped, statements split at a {@code ;} that ends
 * a line outside quotes, and {@code ${name}} placeholders replaced (paths and addresses belong to
 * the deployment, not to the files).
 */
public final class SqlScripts {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-zA-Z0-9_.-]+)}");

  private SqlScripts() {}

  /** The folder's {@code *.sql} files in name order. */
  public static List<Path> files(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder, e);
    }
  }

  public static List<String> statements(Path file, Map<String, String> variables) {
    try {
      return statements(Files.readString(file), variables);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  public static List<String> statements(String script, Map<String, String> variables) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inQuote = false;
    for (String line : script.split("\n", -1)) {
      String code = inQuote ? line : stripComment(line);
      for (char c : code.toCharArray()) {
        if (c == '\'') {
          inQuote = !inQuote;
        }
      }
      current.append(code).append('\n');
      if (!inQuote && code.strip().endsWith(";")) {
        String statement = current.toString().strip();
        statements.add(substitute(statement.substring(0, statement.length() - 1).strip(), variables));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      statements.add(substitute(current.toString().strip(), variables));
    }
    return statements;
  }

  private static String stripComment(String line) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '-' && i + 1 < line.length() && line.charAt(i + 1) == '-') {
        return line.substring(0, i);
      }
    }
    return line;
  }

  private static String substitute(String statement, Map<String, String> variables) {
    Matcher m = PLACEHOLDER.matcher(statement);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = variables.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException("no value for ${" + m.group(1) + "} (pass --var " + m.group(1) + "=...)");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
