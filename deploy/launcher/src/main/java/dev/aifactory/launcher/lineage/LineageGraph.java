package dev.aifactory.launcher.lineage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.sink.FeatureTables;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.common.policy.DatasetDeclarations;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.registry.ModelRegistry;
import dev.aifactory.scoring.sink.PredictionTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Answers lineage questions from what the factory already records: the model registry (each
 * version's signature and run record: training set, its snapshot, and the snapshots of the
 * tables it was built from), the predictions audit (model version per event), silver's and
 * bronze's Kafka coordinates per event, the bundled feature views (which source feeds which
 * history table) and the dataset declarations (owners).
 */
public final class LineageGraph {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Catalog catalog;
  private final List<FeatureView> views;
  private final DatasetDeclarations owners;

  public LineageGraph(Catalog catalog, List<FeatureView> views) {
    this.catalog = catalog;
    this.views = views;
    this.owners = DatasetDeclarations.bundled();
  }

  /** A registered model version and what it was trained from. */
  public record ModelLineage(String model, String stage, String featureView, List<String> features, String trainingSet,
      Object trainingSetSnapshot, Map<String, Object> inputSnapshots, String file, String sha256) {}

  /** One scored event: the model that scored it, the source record it came from, and that model's lineage. */
  public record PredictionLineage(String eventId, String model, String scoredAt, Map<String, Object> silverRecord,
      Map<String, Object> bronzeRecord, ModelLineage modelLineage) {}

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
    return Optional.of(new PredictionLineage(eventId, model, String.valueOf(r.getField("scored_at")),
        coordinates(IngestTables.silver(domain).toString(), eventId), coordinates(IngestTables.bronze(domain).toString(), eventId),
        model((String) r.getField("model_name"), (Integer) r.getField("model_version")).orElse(null)));
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
    models.forEach(m -> out.put("model " + m.model(), owners.of(ModelRegistry.TABLE.toString()).map(x -> x.owner).orElse("undeclared")));
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
    Set<String> names = new java.util.TreeSet<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(catalog.loadTable(ModelRegistry.TABLE)).select("model_name").build()) {
      rows.forEach(r -> names.add((String) r.getField("model_name")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String name : names) {
      for (ModelVersion v : registry.versions(name)) {
        Map<String, Object> inputs = registry.runRecord(name, v.version()).map(LineageGraph::inputsOf).orElse(Map.of());
        out.add(new ModelLineage(v.label(), v.stage().name(), v.signature().featureView() + " v" + v.signature().featureViewVersion(),
            v.signature().featureOrder(), (String) inputs.getOrDefault("training_set", ""), inputs.get("training_set_snapshot"),
            snapshots(inputs.get("training_set_inputs")), v.uri(), v.sha256()));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> inputsOf(String runRecord) {
    try {
      return (Map<String, Object>) JSON.readValue(runRecord, Map.class).getOrDefault("inputs", Map.of());
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
    var id = org.apache.iceberg.catalog.TableIdentifier.parse(table);
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
