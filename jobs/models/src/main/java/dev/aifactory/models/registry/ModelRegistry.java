package dev.aifactory.models.registry;

import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.IcebergTables;
import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * The model registry: an append-only Iceberg table of stage changes, {@code models.registry}.
 * Registering a version appends a CANDIDATE row carrying its run record; every promotion appends
 * a row with the new stage, so the table is also the audit log of who was champion when. A
 * version's stage is the one in its newest row.
 */
public final class ModelRegistry {

  public static final TableIdentifier TABLE = TableIdentifier.of("models", "registry");

  static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "model_name", Types.StringType.get()),
      Types.NestedField.required(2, "model_version", Types.IntegerType.get()),
      Types.NestedField.required(3, "stage", Types.StringType.get()),
      Types.NestedField.required(4, "changed_at", Types.TimestampType.withZone()),
      Types.NestedField.required(5, "uri", Types.StringType.get(), "The ONNX file"),
      Types.NestedField.required(6, "sha256", Types.StringType.get(), "Hex SHA-256 of the ONNX file"),
      Types.NestedField.required(7, "feature_view", Types.StringType.get()),
      Types.NestedField.required(8, "feature_view_version", Types.IntegerType.get()),
      Types.NestedField.required(9, "feature_view_sha256", Types.StringType.get()),
      Types.NestedField.required(10, "feature_order", Types.ListType.ofRequired(14, Types.StringType.get())),
      Types.NestedField.required(11, "input_name", Types.StringType.get()),
      Types.NestedField.required(12, "output_name", Types.StringType.get()),
      Types.NestedField.optional(13, "run_record", Types.StringType.get(), "The training run record (JSON); on CANDIDATE rows"));

  private final Table table;
  /** The last changed_at written, in microseconds: rows of one commit must still order by it. */
  private long lastChange;

  private ModelRegistry(Table table) {
    this.table = table;
  }

  /** Opens the registry, creating its table on first use. */
  public static ModelRegistry open(Catalog catalog) {
    return new ModelRegistry(IcebergTables.createIfMissing(catalog, TABLE, SCHEMA, PartitionSpec.unpartitioned()));
  }

  /** Registers {@code model} as a CANDIDATE, refusing a version number already taken. */
  public synchronized ModelVersion register(ModelVersion model, String runRecord) {
    if (versions(model.name()).stream().anyMatch(v -> v.version() == model.version())) {
      throw new IllegalStateException(model.label() + " is already registered");
    }
    ModelVersion registered = model.withStage(ModelStage.CANDIDATE);
    append(List.of(row(registered, runRecord)));
    return registered;
  }

  /** The next version number {@link #register} would give {@code name}. */
  public int nextVersion(String name) {
    return versions(name).stream().mapToInt(ModelVersion::version).max().orElse(0) + 1;
  }

  /**
   * Moves a version to {@code stage} and returns every change made, in order: a new champion
   * (or challenger) retires the previous holder of that stage in the same commit, so there is
   * never more than one of each.
   */
  public synchronized List<ModelVersion> promote(String name, int version, ModelStage stage) {
    List<ModelVersion> all = versions(name);
    ModelVersion target = all.stream().filter(v -> v.version() == version).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(name + ":" + version + " is not registered"));
    List<ModelVersion> changes = new ArrayList<>();
    if (stage == ModelStage.CHAMPION || stage == ModelStage.CHALLENGER) {
      all.stream().filter(v -> v.stage() == stage && v.version() != version)
          .forEach(v -> changes.add(v.withStage(ModelStage.RETIRED)));
    }
    changes.add(target.withStage(stage));
    append(changes.stream().map(v -> row(v, null)).toList());
    return changes;
  }

  /** Every version of {@code name} at its current stage, oldest first. */
  public List<ModelVersion> versions(String name) {
    table.refresh();
    Map<Integer, Record> newest = new LinkedHashMap<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record r : rows) {
        if (!name.equals(r.getField("model_name"))) {
          continue;
        }
        newest.merge((Integer) r.getField("model_version"), r,
            (a, b) -> changedAt(b).isAfter(changedAt(a)) || changedAt(b).equals(changedAt(a)) ? b : a);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return newest.values().stream().map(ModelRegistry::version)
        .sorted(Comparator.comparingInt(ModelVersion::version)).toList();
  }

  public Optional<ModelVersion> current(String name, ModelStage stage) {
    return versions(name).stream().filter(v -> v.stage() == stage).reduce((a, b) -> b);
  }

  /** The run record registered with a version. */
  public Optional<String> runRecord(String name, int version) {
    table.refresh();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record r : rows) {
        if (name.equals(r.getField("model_name")) && (Integer) r.getField("model_version") == version
            && r.getField("run_record") != null) {
          return Optional.of((String) r.getField("run_record"));
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return Optional.empty();
  }

  private void append(List<Record> rows) {
    IcebergAppends.append(table, rows);
  }

  private Record row(ModelVersion v, String runRecord) {
    long micros = Math.max(Instant.now().toEpochMilli() * 1000, lastChange + 1);
    lastChange = micros;
    GenericRecord r = GenericRecord.create(SCHEMA);
    r.setField("model_name", v.name());
    r.setField("model_version", v.version());
    r.setField("stage", v.stage().name());
    r.setField("changed_at", OffsetDateTime.ofInstant(Instant.EPOCH.plusNanos(micros * 1000), ZoneOffset.UTC));
    r.setField("uri", v.uri());
    r.setField("sha256", v.sha256());
    ModelSignature s = v.signature();
    r.setField("feature_view", s.featureView());
    r.setField("feature_view_version", s.featureViewVersion());
    r.setField("feature_view_sha256", s.featureViewSha256());
    r.setField("feature_order", s.featureOrder());
    r.setField("input_name", s.inputName());
    r.setField("output_name", s.outputName());
    r.setField("run_record", runRecord);
    return r;
  }

  private static OffsetDateTime changedAt(Record r) {
    return (OffsetDateTime) r.getField("changed_at");
  }

  @SuppressWarnings("unchecked")
  private static ModelVersion version(Record r) {
    ModelSignature signature = new ModelSignature(
        (String) r.getField("feature_view"),
        (Integer) r.getField("feature_view_version"),
        (String) r.getField("feature_view_sha256"),
        (List<String>) r.getField("feature_order"),
        (String) r.getField("input_name"),
        (String) r.getField("output_name"));
    return new ModelVersion((String) r.getField("model_name"), (Integer) r.getField("model_version"),
        ModelStage.valueOf((String) r.getField("stage")), (String) r.getField("uri"), (String) r.getField("sha256"), signature);
  }
}
