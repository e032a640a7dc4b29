package dev.aifactory.common;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the factory's YAML definitions (domains, feature views): a bundled one by name from
 * {@code <folder>/<name>.yaml} on the classpath, or any file by path. Unknown keys are errors,
 * so a typo fails the job's start instead of being ignored.
 */
public final class YamlDefinitions {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private YamlDefinitions() {}

  /** @param kind what is read, for messages ("domain", "feature view") */
  public static <T> T read(String nameOrPath, String folder, String kind, Class<T> type) {
    try {
      if (nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml")) {
        try (InputStream in = Files.newInputStream(Path.of(nameOrPath))) {
          return YAML.readValue(in, type);
        }
      }
      String resource = folder + "/" + nameOrPath + ".yaml";
      try (InputStream in = YamlDefinitions.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalArgumentException("no bundled " + kind + " '" + nameOrPath + "' (" + resource + ")");
        }
        return YAML.readValue(in, type);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + kind + " " + nameOrPath, e);
    }
  }

  /** Parses YAML text (tests, tools). */
  public static <T> T parse(String yaml, String kind, Class<T> type) {
    try {
      return YAML.readValue(yaml, type);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a " + kind + ": " + e.getMessage(), e);
    }
  }
}
