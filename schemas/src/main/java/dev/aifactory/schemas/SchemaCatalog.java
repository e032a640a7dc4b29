package dev.aifactory.schemas;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Every schema version that ships in {@code schemas/}, indexed by Avro's 64-bit parsing
 * fingerprint (the one the single-object encoding carries) and by record name.
 *
 * <p>The newest version of a record name is its <em>contract</em>: the reader schema every
 * writer version must resolve to, and the shape of the silver tables.
 */
public final class SchemaCatalog {

  private static final String INDEX = "avro/catalog.txt";
  private static volatile SchemaCatalog bundled;

  private final Map<Long, VersionedSchema> byFingerprint = new HashMap<>();
  private final Map<String, List<VersionedSchema>> byName = new LinkedHashMap<>();

  private SchemaCatalog(List<VersionedSchema> versions) {
    for (VersionedSchema v : versions) {
      byFingerprint.put(v.fingerprint(), v);
      byName.computeIfAbsent(v.schema().getFullName(), k -> new ArrayList<>()).add(v);
    }
    byName.values().forEach(list -> list.sort((a, b) -> Integer.compare(a.version(), b.version())));
  }

  /** The catalog of the schemas bundled in this jar (read once per class loader). */
  public static SchemaCatalog bundled() {
    SchemaCatalog catalog = bundled;
    if (catalog == null) {
      synchronized (SchemaCatalog.class) {
        if (bundled == null) {
          bundled = load(SchemaCatalog.class.getClassLoader());
        }
        catalog = bundled;
      }
    }
    return catalog;
  }

  static SchemaCatalog load(ClassLoader loader) {
    List<VersionedSchema> versions = new ArrayList<>();
    for (String file : readIndex(loader)) {
      try (InputStream in = loader.getResourceAsStream("avro/" + file)) {
        if (in == null) {
          throw new IllegalStateException("catalog.txt lists " + file + " but it is not on the classpath");
        }
        Schema schema = new Schema.Parser().parse(in);
        versions.add(VersionedSchema.of(file, schema));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema " + file, e);
      }
    }
    return new SchemaCatalog(versions);
  }

  private static List<String> readIndex(ClassLoader loader) {
    InputStream in = loader.getResourceAsStream(INDEX);
    if (in == null) {
      throw new IllegalStateException(INDEX + " is not on the classpath");
    }
    List<String> files = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        line = line.strip();
        if (!line.isEmpty() && !line.startsWith("#")) {
          files.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  public Optional<VersionedSchema> byFingerprint(long fingerprint) {
    return Optional.ofNullable(byFingerprint.get(fingerprint));
  }

  /** All versions of a record, oldest first. */
  public List<VersionedSchema> versions(String fullName) {
    List<VersionedSchema> list = byName.get(fullName);
    if (list == null) {
      throw new IllegalArgumentException("no schema named " + fullName + " in the catalog; known: " + byName.keySet());
    }
    return Collections.unmodifiableList(list);
  }

  /** The newest version of a record: the reader schema all its writers must resolve to. */
  public VersionedSchema contract(String fullName) {
    List<VersionedSchema> list = versions(fullName);
    return list.get(list.size() - 1);
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** A schema with its version number (the {@code version} property) and fingerprint. */
  public record VersionedSchema(String file, Schema schema, int version, long fingerprint) {
    static VersionedSchema of(String file, Schema schema) {
      Object version = schema.getObjectProp("version");
      if (!(version instanceof Number)) {
        throw new IllegalStateException(file + " has no numeric \"version\" property");
      }
      return new VersionedSchema(file, schema, ((Number) version).intValue(), fingerprintOf(schema));
    }
  }

  /** Avro's CRC-64-AVRO fingerprint of the parsing canonical form, as single-object encoding uses. */
  public static long fingerprintOf(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }
}
