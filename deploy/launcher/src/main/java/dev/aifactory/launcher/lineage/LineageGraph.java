package dev.aifactory.launcher.lineage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifactory.common.lineage.RunLineage;
import dev.aifactory.common.policy.DatasetDeclarations;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.sink.FeatureTables;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.registry.ModelRegistry;
import dev.aifactory.scoring.sink.PredictionTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.flink.api.common.JobID;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Answers lineage questions from what the factory records: the model registry (each version's
 * signature and run record: training set, its snapshot, and the snapshots of the tables it was
 * built from), the predictions audit (model version per event), silver's and bronze's Kafka
 * coordinates per event, the bundled feature views (which source feeds which history table),
 * the dataset declarations (owners), and the jobs' OpenLineage events (which run read and wrote
 * what, at which snapshots).
 */
public final class LineageGraph {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Catalog catalog;
  private final List<FeatureView> views;
  private final DatasetDeclarations owners;
  private final LineageEvents events;

  public LineageGraph(Catalog catalog, List<FeatureView> views) {
    this(catalog, views, LineageEvents.none());
  }

  public LineageGraph(Catalog catalog, List<FeatureView> views, LineageEvents events) {
    this.catalog = catalog;
    this.views = views;
    this.owners = DatasetDeclarations.bundled();
    this.events = events;
  }

  /**
   * A registered model version and what it was trained from; {@code runs} are its training run
   * and, upstream of it, each run that produced an input at the snapshot read (from the events).
   */
  public record ModelLineage(String model, String stage, String featureView, List<String> features, String trainingSet,
      Object trainingSetSnapshot, Map<String, Object> inputSnapshots, String file, String sha256, List<LineageEvents.Run> runs) {}

  /**
   * One scored event: the model that scored it, the source record it came from, that model's
   * lineage, and the newest run writing the audit that had started when it was scored.
   */
  public record PredictionLineage(String eventId, String model, String scoredAt, Map<String, Object> silverRecord,
      Map<String, Object> bronzeRecord, ModelLineage modelLineage, LineageEvents.Run scoringRun) {}

  /** Every registered version whose inputs include {@code feature}. */
  public List<ModelLineage> modelsReading(String feature) {
    return allModels().stream().filter(m -> m.features().contains(feature)).toList();
  }

  public Optional<ModelLineage> model(String name, int version) {
    return allModels().stream().filter(m -> m.model().equals(name + ":" + version)).findFirst();
  }

  public Optional<PredictionLineage> prediction(String eventId) {
    Optional<Record> p = first(PredictionTable.PREDICTIONS.toString(), "event_id", eventId);
    if (p.isEmpty()) {
      return Optional.empty();
    }
    Record r = p.get();
    String model = r.getField("model_name") + ":" + r.getField("model_version");
    String domain = views.stream().filter(v -> v.entity().equals("card_id")).map(FeatureView::source).findFirst().orElse("transactions");
    String scoredAt = String.valueOf(r.getField("scored_at"));
    return Optional.of(new PredictionLineage(eventId, model, scoredAt,
        coordinates(IngestTables.silver(domain).toString(), eventId), coordinates(IngestTables.bronze(domain).toString(), eventId),
        model((String) r.getField("model_name"), (Integer) r.getField("model_version")).orElse(null),
        scoringRun(r.getField("scored_at"))));
  }

  /** The newest run writing the audit table that started at or before {@code scoredAt}. */
  private LineageEvents.Run scoringRun(Object scoredAt) {
    if (!(scoredAt instanceof OffsetDateTime at)) {
      return null;
    }
    return events.writers(PredictionTable.PREDICTIONS.toString(), null).stream()
        .filter(run -> !run.startTime().isAfter(at))
        .max(Comparator.comparing(LineageEvents.Run::startTime))
        .orElse(null);
  }

  /**
   * The runs upstream of a dataset at a version, nearest first: the run that produced it, then
   * the producers of that run's inputs, and so on. A snapshot's producer is the run its summary
   * names ({@code flink.job-id}, which is the run id of a Flink job), else the run whose last
   * event reports that snapshot. A topic has no versions: its producers are the runs writing it
   * that had started by the reading run's last event.
   */
  public List<LineageEvents.Run> upstream(String dataset, String version) {
    List<LineageEvents.Run> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    record Wanted(LineageEvents.DatasetAt dataset, OffsetDateTime readUntil) {}
    Deque<Wanted> todo = new ArrayDeque<>();
    todo.add(new Wanted(new LineageEvents.DatasetAt("", dataset, version), null));
    while (!todo.isEmpty()) {
      Wanted wanted = todo.poll();
      for (LineageEvents.Run run : producersOf(wanted.dataset(), wanted.readUntil())) {
        if (seen.add(run.key())) {
          out.add(run);
          run.inputs().forEach(input -> todo.add(new Wanted(input, run.lastEventTime())));
        }
      }
    }
    return out;
  }

  private List<LineageEvents.Run> producersOf(LineageEvents.DatasetAt d, OffsetDateTime readUntil) {
    if (d.version() == null || d.isTopic()) {
      return events.writers(d.name(), null).stream()
          .filter(run -> readUntil == null || !run.startTime().isAfter(readUntil))
          .toList();
    }
    List<LineageEvents.Run> named = flinkJobOf(d.name(), d.version()).map(events::runs).orElse(List.of()).stream()
        .filter(run -> run.outputs().stream().anyMatch(o -> !o.isTopic() && o.name().equals(d.name()))).toList();
    return named.isEmpty() ? events.writers(d.name(), d.version()) : named;
  }

  /** The Flink job that committed a snapshot, as a run id: Iceberg's Flink sink records it in the summary. */
  private Optional<UUID> flinkJobOf(String table, String version) {
    try {
      TableIdentifier id = TableIdentifier.parse(table);
      if (!catalog.tableExists(id)) {
        return Optional.empty();
      }
      Snapshot snapshot = catalog.loadTable(id).snapshot(Long.parseLong(version));
      String job = snapshot == null ? null : snapshot.summary().get("flink.job-id");
      return job == null || job.length() != 32 ? Optional.empty() : Optional.of(RunLineage.uuidOf(JobID.fromHexString(job)));
    } catch (IllegalArgumentException notAJobOrSnapshotId) {
      return Optional.empty();
    }
  }

  /**
   * Everything downstream of a source domain (bronze, silver, feature histories, training sets
   * built from them, models trained on those, predictions), with each one's owner: who to call
   * when the source changes.
   */
  public Map<String, String> ownersDownstreamOf(String domain) {
    Set<String> datasets = new LinkedHashSet<>(List.of(IngestTables.bronze(domain).toString(), IngestTables.silver(domain).toString()));
    views.stream().filter(v -> v.source().equals(domain)).forEach(v -> datasets.add(FeatureTables.history(v).toString()));
    List<ModelLineage> models = allModels().stream()
        .filter(m -> m.inputSnapshots().keySet().stream().anyMatch(datasets::contains)).toList();
    models.forEach(m -> datasets.add(m.trainingSet()));
    if (!models.isEmpty()) {
      datasets.add(PredictionTable.PREDICTIONS.toString());
    }
    Map<String, String> out = new LinkedHashMap<>();
    datasets.forEach(d -> out.put(d, owners.of(d).map(x -> x.owner).orElse("undeclared")));
    downstreamRunsOf(datasets).forEach(d -> out.putIfAbsent(d.label(),
        d.isTable() ? owners.of(d.name()).map(x -> x.owner).orElse("undeclared") : "undeclared"));
    models.forEach(m -> out.put("model " + m.model(), owners.of(ModelRegistry.TABLE.toString()).map(x -> x.owner).orElse("undeclared")));
    return out;
  }

  /** What the runs reading any of {@code datasets} wrote, and what runs reading those wrote, and so on. */
  private List<LineageEvents.DatasetAt> downstreamRunsOf(Set<String> datasets) {
    Set<String> reached = new LinkedHashSet<>(datasets);
    List<LineageEvents.DatasetAt> out = new ArrayList<>();
    Deque<String> todo = new ArrayDeque<>(datasets);
    Set<String> runs = new HashSet<>();
    while (!todo.isEmpty()) {
      for (LineageEvents.Run run : events.readers(todo.poll())) {
        if (runs.add(run.key())) {
          for (LineageEvents.DatasetAt output : run.outputs()) {
            if (reached.add(output.label())) {
              out.add(output);
              todo.add(output.name());
            }
          }
        }
      }
    }
    return out;
  }

  private List<ModelLineage> allModels() {
    if (!catalog.tableExists(ModelRegistry.TABLE)) {
      return List.of();
    }
    ModelRegistry registry = ModelRegistry.openExisting(catalog);
    List<ModelLineage> out = new ArrayList<>();
    // Sorted: a scan returns the registry's rows in whatever order its files come, and the
    // answers list models (and their training sets) in this order.
    Set<String> names = new TreeSet<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(catalog.loadTable(ModelRegistry.TABLE)).select("model_name").build()) {
      rows.forEach(r -> names.add((String) r.getField("model_name")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String name : names) {
      for (ModelVersion v : registry.versions(name)) {
        Map<String, Object> record = registry.runRecord(name, v.version()).map(LineageGraph::parse).orElse(Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> inputs = (Map<String, Object>) record.getOrDefault("inputs", Map.of());
        String trainingSet = (String) inputs.getOrDefault("training_set", "");
        Object setSnapshot = inputs.get("training_set_snapshot");
        out.add(new ModelLineage(v.label(), v.stage().name(), v.signature().featureView() + " v" + v.signature().featureViewVersion(),
            v.signature().featureOrder(), trainingSet, setSnapshot, snapshots(inputs.get("training_set_inputs")), v.uri(), v.sha256(),
            runsBehind(record.get("runId"), trainingSet, setSnapshot)));
      }
    }
    return out;
  }

  /** The training run (the run record's id is its OpenLineage run id) and what is upstream of its training set. */
  private List<LineageEvents.Run> runsBehind(Object runId, String trainingSet, Object setSnapshot) {
    List<LineageEvents.Run> runs = new ArrayList<>();
    if (runId != null) {
      try {
        runs.addAll(events.runs(UUID.fromString(runId.toString())));
      } catch (IllegalArgumentException notAUuid) {
        // a run record from before runs had OpenLineage ids
      }
    }
    if (!trainingSet.isEmpty()) {
      upstream(trainingSet, setSnapshot == null ? null : setSnapshot.toString()).stream()
          .filter(r -> !runs.contains(r)).forEach(runs::add);
    }
    return runs;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String runRecord) {
    try {
      return (Map<String, Object>) JSON.readValue(runRecord, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable run record", e);
    }
  }

  private static Map<String, Object> snapshots(Object json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return JSON.readValue(json.toString(), new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      return Map.of("unreadable", json.toString());
    }
  }

  private Map<String, Object> coordinates(String table, String eventId) {
    return first(table, "event_id", eventId).map(r -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("table", table);
      for (String c : List.of("_topic", "_kafka_partition", "_offset", "_schema_version", "_ingest_time")) {
        if (r.struct().field(c) != null) {
          m.put(c, String.valueOf(r.getField(c)));
        }
      }
      return m;
    }).orElse(Map.of("table", table, "found", "no"));
  }

  private Optional<Record> first(String table, String column, String value) {
    var id = TableIdentifier.parse(table);
    if (!catalog.tableExists(id)) {
      return Optional.empty();
    }
    try (CloseableIterable<Record> rows = IcebergGenerics.read(catalog.loadTable(id)).where(Expressions.equal(column, value)).build()) {
      for (Record r : rows) {
        if (value.equals(r.getField(column))) {
          return Optional.of(r.copy());
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
