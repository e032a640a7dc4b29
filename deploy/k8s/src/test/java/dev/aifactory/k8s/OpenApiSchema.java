package dev.aifactory.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The structural schema of a CustomResourceDefinition version, checked the way the API server
 * does: types, enums, required fields, int-or-string, and unknown fields. An unknown field is an
 * error here although the API server would only prune it: a misspelt key silently dropped is the
 * kind of mistake this test exists to catch.
 */
final class OpenApiSchema {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final JsonNode root;

  private OpenApiSchema(JsonNode root) {
    this.root = root;
  }

  /** The openAPIV3Schema of {@code version} in a CRD found on the class path. */
  static OpenApiSchema fromCrd(String resource, String version) {
    try (InputStream in = OpenApiSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no CRD " + resource + " on the class path");
      }
      for (JsonNode v : YAML.readTree(in).path("spec").path("versions")) {
        if (v.path("name").asText().equals(version)) {
          return new OpenApiSchema(v.path("schema").path("openAPIV3Schema").deepCopy());
        }
      }
      throw new IllegalStateException("CRD " + resource + " has no version " + version);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds values to an enum at a dotted path of properties (for example spec.flinkVersion). */
  OpenApiSchema allowing(String path, String... values) {
    JsonNode node = root;
    for (String part : path.split("\\.")) {
      node = node.path("properties").path(part);
    }
    ArrayNode allowed = (ArrayNode) node.path("enum");
    for (String v : values) {
      allowed.add(v);
    }
    return this;
  }

  /** Problems found, one line each; apiVersion, kind and metadata belong to every object, not to the CRD's schema. */
  List<String> validate(JsonNode document) {
    List<String> problems = new ArrayList<>();
    ObjectNode body = document.deepCopy();
    body.remove(List.of("apiVersion", "kind", "metadata"));
    check(root, body, "", problems);
    return problems;
  }

  private static void check(JsonNode schema, JsonNode value, String path, List<String> problems) {
    if (value == null || value.isNull()) {
      return;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
      if (!value.isInt() && !value.isTextual()) {
        problems.add(path + ": expected an integer or a string, got " + value);
      }
      return;
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode allowed : schema.path("enum")) {
        found |= allowed.asText().equals(value.asText());
      }
      if (!found) {
        problems.add(path + ": '" + value.asText() + "' is not one of " + schema.path("enum"));
      }
    }
    switch (schema.path("type").asText()) {
      case "object" -> checkObject(schema, value, path, problems);
      case "array" -> {
        if (!value.isArray()) {
          problems.add(path + ": expected an array");
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          check(schema.path("items"), value.get(i), path + "[" + i + "]", problems);
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          problems.add(path + ": expected a string, got " + value + " (quote it)");
        }
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          problems.add(path + ": expected an integer, got " + value);
        }
      }
      case "number" -> {
        if (!value.isNumber()) {
          problems.add(path + ": expected a number, got " + value);
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          problems.add(path + ": expected a boolean, got " + value);
        }
      }
      default -> { } // no type: anything goes (x-kubernetes-preserve-unknown-fields)
    }
  }

  private static void checkObject(JsonNode schema, JsonNode value, String path, List<String> problems) {
    if (!value.isObject()) {
      problems.add(path + ": expected an object");
      return;
    }
    for (JsonNode required : schema.path("required")) {
      if (!value.has(required.asText())) {
        problems.add(path + ": missing required field '" + required.asText() + "'");
      }
    }
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.path("additionalProperties");
    boolean preserveUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String at = path + "." + field.getKey();
      if (properties.has(field.getKey())) {
        check(properties.path(field.getKey()), field.getValue(), at, problems);
      } else if (additional.isObject()) {
        check(additional, field.getValue(), at, problems);
      } else if (!preserveUnknown && !(additional.isBoolean() && additional.asBoolean())) {
        problems.add(at + ": unknown field (the API server would drop it)");
      }
    }
  }

  static ObjectNode emptyObject() {
    return YAML.createObjectNode();
  }
}
