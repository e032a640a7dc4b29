package dev.aifactory.models.registry;

import dev.aifactory.common.IcebergAppends;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import dev.aifactory.common.IcebergTables;
import dev.aifactory.common.policy.Policy;
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
 *
 * <p>Every change is decided on one snapshot of the table and committed only if no row of the
 * same model was added since (Iceberg's optimistic concurrency: an overwrite that validates no
 * conflicting data from that snapshot). When another trainer, process or machine got there
 * first, the change is decided again on the new snapshot. So two promotions at once give one
 * champion, the other retired, and two registrations of one version give one registration.
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

  /** How many times a change is decided again after losing a race before giving up. */
  static final int MAX_ATTEMPTS = 20;

  private final Table table;
  private final Policy policy;

  private ModelRegistry(Table table, Policy policy) {
    this.table = table;
    this.policy = policy;
  }

  /** Opens the registry under the bundled policy, creating its table on first use. */
  public static ModelRegistry open(Catalog catalog) {
    return open(catalog, Policy.bundled());
  }

  /** Opens the registry, creating its table on first use; registrations are checked against {@code policy}. */
  public static ModelRegistry open(Catalog catalog, Policy policy) {
    return new ModelRegistry(IcebergTables.createIfMissing(catalog, TABLE, SCHEMA, PartitionSpec.unpartitioned()), policy);
  }

  /** Opens the registry for reading, failing when there is none in {@code catalog}. */
  public static ModelRegistry openExisting(Catalog catalog) {
    if (!catalog.tableExists(TABLE)) {
      throw new IllegalArgumentException("there is no model registry (" + TABLE + ") in catalog " + catalog.name());
    }
    return new ModelRegistry(catalog.loadTable(TABLE), Policy.bundled());
  }

  /**
   * Registers {@code model} as a CANDIDATE, refusing a version number already taken, and a
   * model whose purpose the policy does not allow to use its inputs' data classes
   * ({@link dev.aifactory.common.policy.PolicyDeniedException}, naming the rule).
   */
  public ModelVersion register(ModelVersion model, String runRecord, DataUse use) {
    policy.requirePurpose(use.purpose(), use.classes());
    ModelVersion registered = model.withStage(ModelStage.CANDIDATE);
    return change(model.name(), (snapshot, all) -> {
      if (all.stream().anyMatch(v -> v.version() == model.version())) {
        throw new IllegalStateException(model.label() + " is already registered");
      }
      return new Decision<>(List.of(snapshot.row(registered, runRecord)), registered);
    });
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
  public List<ModelVersion> promote(String name, int version, ModelStage stage) {
    return change(name, (snapshot, all) -> {
      ModelVersion target = all.stream().filter(v -> v.version() == version).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(name + ":" + version + " is not registered"));
      List<ModelVersion> changes = new ArrayList<>();
      if (stage == ModelStage.CHAMPION || stage == ModelStage.CHALLENGER) {
        all.stream().filter(v -> v.stage() == stage && v.version() != version)
            .forEach(v -> changes.add(v.withStage(ModelStage.RETIRED)));
      }
      changes.add(target.withStage(stage));
      return new Decision<>(changes.stream().map(v -> snapshot.row(v, null)).toList(), changes);
    });
  }

  /** Every version of {@code name} at its current stage, oldest first. */
  public List<ModelVersion> versions(String name) {
    return read().versions(name);
  }

  public Optional<ModelVersion> current(String name, ModelStage stage) {
    return versions(name).stream().filter(v -> v.stage() == stage).reduce((a, b) -> b);
  }

  /** The run record registered with a version. */
  public Optional<String> runRecord(String name, int version) {
    return read().rows().stream()
        .filter(r -> name.equals(r.getField("model_name")) && (Integer) r.getField("model_version") == version
            && r.getField("run_record") != null)
        .map(r -> (String) r.getField("run_record")).findFirst();
  }

  /** What a change decided on one snapshot: the rows to add, and what to return once they are in. */
  private record Decision<T>(List<Record> rows, T result) {}

  private interface Decide<T> {
    Decision<T> on(Snapshot snapshot, List<ModelVersion> versions);
  }

  private <T> T change(String name, Decide<T> decide) {
    for (int attempt = 1; ; attempt++) {
      Snapshot snapshot = read();
      Decision<T> decision = decide.on(snapshot, snapshot.versions(name));
      DataFile file = IcebergAppends.write(table, decision.rows());
      OverwriteFiles commit = table.newOverwrite().addFile(file)
          .conflictDetectionFilter(Expressions.equal("model_name", name))
          .validateNoConflictingData();
      if (snapshot.id() != null) {
        commit.validateFromSnapshot(snapshot.id());
      }
      try {
        commit.commit();
        return decision.result();
      } catch (ValidationException lostTheRace) {
        table.io().deleteFile(file.location());
        if (attempt == MAX_ATTEMPTS) {
          throw new IllegalStateException("could not change " + name + " in the registry after " + attempt
              + " attempts: other writers kept changing it", lostTheRace);
        }
        sleepBeforeRetry(attempt);
      }
    }
  }

  private static void sleepBeforeRetry(int attempt) {
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 20L * Math.min(attempt, 10)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a registry change", e);
    }
  }

  /** Every row of the table as of its current snapshot (null id: the table is still empty). */
  private Snapshot read() {
    table.refresh();
    org.apache.iceberg.Snapshot current = table.currentSnapshot();
    List<Record> rows = new ArrayList<>();
    if (current != null) {
      try (CloseableIterable<Record> all = IcebergGenerics.read(table).useSnapshot(current.snapshotId()).build()) {
        all.forEach(rows::add);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return new Snapshot(current == null ? null : current.snapshotId(), rows);
  }

  /** The registry as one snapshot holds it. */
  private record Snapshot(Long id, List<Record> rows) {

    List<ModelVersion> versions(String name) {
      Map<Integer, Record> newest = new LinkedHashMap<>();
      for (Record r : rows) {
        if (name.equals(r.getField("model_name"))) {
          newest.merge((Integer) r.getField("model_version"), r, (a, b) -> changedAt(b).isBefore(changedAt(a)) ? a : b);
        }
      }
      return newest.values().stream().map(ModelRegistry::version)
          .sorted(Comparator.comparingInt(ModelVersion::version)).toList();
    }

    /**
     * A new row, timestamped after every row of this snapshot: a version's stage is its newest
     * row, so the order must follow the commits even when clocks of two writers disagree.
     */
    Record row(ModelVersion v, String runRecord) {
      long newest = rows.stream().mapToLong(r -> micros(changedAt(r))).max().orElse(Long.MIN_VALUE);
      long micros = Math.max(Instant.now().toEpochMilli() * 1000, newest + 1);
      return ModelRegistry.row(v, runRecord, micros);
    }
  }

  private static long micros(OffsetDateTime t) {
    Instant i = t.toInstant();
    return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
  }

  private static Record row(ModelVersion v, String runRecord, long micros) {
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
