package dev.aifactory.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A job's configuration: defaults bundled with the job, then an optional properties file
 * ({@code --config path}), then command-line overrides ({@code --key value} or
 * {@code --key=value}). Keys are flat and dotted, like Flink's own. No address or path is ever
 * written into code: everything a deployment changes comes through here.
 */
public final class JobConfig implements Serializable {

  private final Map<String, String> values;

  private JobConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  public static JobConfig of(Map<String, String> values) {
    return new JobConfig(values);
  }

  /** Defaults from a classpath resource, a file named by {@code --config}, then the arguments. */
  public static JobConfig load(String defaultsResource, String... args) {
    Map<String, String> values = new LinkedHashMap<>(readResource(defaultsResource));
    Map<String, String> overrides = parseArgs(args);
    String file = overrides.remove("config");
    if (file != null) {
      values.putAll(readFile(Path.of(file)));
    }
    values.putAll(overrides);
    return new JobConfig(values);
  }

  public JobConfig with(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.put(key, value);
    return new JobConfig(copy);
  }

  public JobConfig withAll(Map<String, String> more) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.putAll(more);
    return new JobConfig(copy);
  }

  public String get(String key) {
    String value = values.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing configuration key '" + key + "'");
    }
    return value;
  }

  public String get(String key, String fallback) {
    String value = values.get(key);
    return value == null || value.isBlank() ? fallback : value;
  }

  public int getInt(String key, int fallback) {
    String value = values.get(key);
    return value == null || value.isBlank() ? fallback : Integer.parseInt(value.strip());
  }

  public long getLong(String key, long fallback) {
    String value = values.get(key);
    return value == null || value.isBlank() ? fallback : Long.parseLong(value.strip());
  }

  public boolean getBoolean(String key, boolean fallback) {
    String value = values.get(key);
    return value == null || value.isBlank() ? fallback : Boolean.parseBoolean(value.strip());
  }

  /** Durations as ISO-8601 ({@code PT5S}) or a number with a unit: {@code 500ms}, {@code 5s}, {@code 10min}, {@code 1h}, {@code 7d}. */
  public Duration getDuration(String key, Duration fallback) {
    String value = values.get(key);
    return value == null || value.isBlank() ? fallback : parseDuration(value.strip());
  }

  /** The keys under a prefix as client {@link java.util.Properties} (Kafka consumer, producer, admin). */
  public java.util.Properties properties(String prefix) {
    java.util.Properties props = new java.util.Properties();
    props.putAll(withPrefix(prefix));
    return props;
  }

  /** All keys under a prefix, with the prefix removed (for pass-through settings). */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }

  public Map<String, String> asMap() {
    return values;
  }

  public static Duration parseDuration(String text) {
    if (text.startsWith("P") || text.startsWith("p")) {
      return Duration.parse(text);
    }
    int i = 0;
    while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    long amount = Long.parseLong(text.substring(0, i));
    String unit = text.substring(i).strip();
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "s", "" -> Duration.ofSeconds(amount);
      case "min", "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> throw new IllegalArgumentException("unknown duration unit in '" + text + "'");
    };
  }

  static Map<String, String> parseArgs(String... args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("expected --key value, got '" + arg + "'");
      }
      String key = arg.substring(2);
      int eq = key.indexOf('=');
      if (eq >= 0) {
        out.put(key.substring(0, eq), key.substring(eq + 1));
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        out.put(key, args[++i]);
      } else {
        out.put(key, "true");
      }
    }
    return out;
  }

  private static Map<String, String> readResource(String resource) {
    try (InputStream in = JobConfig.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("default configuration " + resource + " is not on the classpath");
      }
      return toMap(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> readFile(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      return toMap(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read configuration file " + path, e);
    }
  }

  private static Map<String, String> toMap(InputStream in) throws IOException {
    Properties props = new Properties();
    props.load(in);
    Map<String, String> out = new LinkedHashMap<>();
    props.stringPropertyNames().forEach(k -> out.put(k, props.getProperty(k).strip()));
    return out;
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
