package dev.aifactory.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The YAML documents of deploy/k8s, each with the file it came from. */
final class Manifests {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  record Manifest(Path file, ObjectNode document) {
    String kind() {
      return document.path("kind").asText();
    }

    String name() {
      return document.path("metadata").path("name").asText();
    }

    @Override
    public String toString() {
      return file.getFileName() + ":" + kind() + "/" + name();
    }
  }

  /** The folder holding the manifests (this module's base directory). */
  static Path root() {
    return Path.of("").toAbsolutePath();
  }

  /** Every manifest file: *.yaml under flink/, kafka/, sql-gateway/ (not the kustomization). */
  static List<Path> files() {
    try (Stream<Path> files = Files.walk(root())) {
      return files.filter(p -> p.toString().endsWith(".yaml"))
          .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
          .filter(p -> !root().relativize(p).startsWith("src") && !root().relativize(p).startsWith("target"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Manifest> all() {
    List<Manifest> out = new ArrayList<>();
    for (Path file : files()) {
      try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
        for (var it = YAML.readValues(parser, ObjectNode.class); it.hasNext(); ) {
          ObjectNode doc = it.next();
          if (doc != null && !doc.isEmpty()) {
            out.add(new Manifest(file, doc));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot parse " + file, e);
      }
    }
    return out;
  }

  static List<Manifest> ofKind(String kind) {
    return all().stream().filter(m -> m.kind().equals(kind)).toList();
  }

  static JsonNode kustomization() {
    try {
      return YAML.readTree(root().resolve("kustomization.yaml").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Manifests() {}
}
