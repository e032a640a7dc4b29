package dev.aifactory.training;

import dev.aifactory.common.policy.JobRole;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.lineage.LineageDataset;
import dev.aifactory.common.lineage.RunLineage;
import dev.aifactory.common.policy.Decision;
import dev.aifactory.common.policy.Policy;
import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.definition.ViewClassification;
import dev.aifactory.features.training.TrainingSetJob;
import dev.aifactory.models.Checksums;
import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.control.ModelChanges;
import dev.aifactory.models.registry.DataUse;
import dev.aifactory.models.registry.ModelRegistry;
import dev.aifactory.training.data.Examples;
import dev.aifactory.training.data.TrainingSetReader;
import dev.aifactory.training.eval.Metrics;
import dev.aifactory.training.model.Hyperparameters;
import dev.aifactory.training.model.LogisticModel;
import dev.aifactory.training.model.SgdTrainer;
import dev.aifactory.training.onnx.OnnxExport;
import dev.aifactory.training.run.Environment;
import dev.aifactory.training.run.ModelCard;
import dev.aifactory.training.run.RunRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run: reads a point-in-time training set at its current snapshot, trains on the
 * earlier part by event time, validates on the later part, exports ONNX, writes the run record
 * and model card next to the model file, and registers the version as a CANDIDATE. With
 * {@code training.promote} it is promoted when its validation AUC reaches the floor, and the
 * change goes out on the control topic, where scoring jobs pick it up.
 */
public final class TrainingRun {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

  private TrainingRun() {}

  public record Result(ModelVersion model, RunRecord record, LogisticModel weights, Path directory, List<ModelVersion> changes) {}

  /**
   * Trains, registers and optionally promotes; its lineage events name the training set at the
   * snapshot read, the model file and the registry, under the run record's id.
   */
  public static Result run(JobConfig config) throws IOException {
    UUID runId = UUID.randomUUID();
    String name = config.get("training.model-name", "fraud");
    TableIdentifier setId = TableIdentifier.parse(config.get("training.set"));
    RunLineage lineage = RunLineage.batchRun(config, "factory-train " + name, runId)
        .reads(LineageDataset.table(setId)).writes(LineageDataset.table(ModelRegistry.TABLE));
    lineage.started();
    try {
      Result result = train(config, runId, name, setId);
      lineage.writes(LineageDataset.file(result.model().uri())).completed();
      return result;
    } catch (IOException | RuntimeException e) {
      lineage.failed(e);
      throw e;
    }
  }

  private static Result train(JobConfig config, UUID runId, String name, TableIdentifier setId) throws IOException {
    Instant started = Instant.now();
    Catalog catalog = IcebergCatalogs.loader(config).loadCatalog();
    Table set = catalog.loadTable(setId);
    FeatureView view = viewOf(set);
    JobRole.requireReads(config, "training", Map.of("gold", ViewClassification.classesByField(view).values()));
    List<String> order = view.features().stream().map(FeatureDef::name).toList();
    TrainingSetReader.Loaded loaded = TrainingSetReader.read(set, order, view.eventIdField(), view.eventTimeField());

    Hyperparameters hp = Hyperparameters.from(config);
    Examples.Split split = loaded.examples().splitByTime(hp.trainShare());
    LogisticModel model = new SgdTrainer(hp).fit(split.train());
    Metrics metrics = validate(model, split.validation(), Double.parseDouble(config.get("training.review-rate", "0.01")));

    // The policy decides before anything is trained into a file: may a model for this purpose use these classes?
    Policy policy = Policy.from(config);
    DataUse use = new DataUse(config.get("training.purpose", "fraud_detection"), ViewClassification.classesByField(view));
    List<Decision> decisions = policy.requirePurpose(use.purpose(), use.classes());
    ModelRegistry registry = ModelRegistry.open(catalog, policy);
    int version = registry.nextVersion(name);
    ModelSignature signature = new ModelSignature(view.name(), view.version(), view.definitionSha256(), order,
        ModelSignature.inputNameFor(view.name(), view.version()), config.get("training.output-name", "fraud_probability"));
    Path dir = Path.of(config.get("models.dir", ".factory/models")).toAbsolutePath().resolve(name).resolve("v" + version);
    Files.createDirectories(dir);
    Path file = dir.resolve("model.onnx");
    Files.write(file, OnnxExport.toBytes(model, signature, name, version));
    String sha256 = Checksums.sha256(file);

    RunRecord record = new RunRecord(runId.toString(), started.toString(), Instant.now().toString(),
        Environment.codeVersion(),
        modelSection(name, version, file, sha256, signature),
        Map.of("name", view.name(), "version", view.version(), "sha256", view.definitionSha256()),
        inputs(setId, loaded.snapshotId(), set),
        Map.of("train_rows", split.train().size(), "train_positives", split.train().positives(),
            "validation_rows", split.validation().size(), "validation_from", Instant.ofEpochMilli(split.validationFromMillis()).toString()),
        hp.asMap(), metrics.asMap(), Environment.describe(), governance(use, policy, decisions));
    Files.writeString(dir.resolve("run.json"), record.toJson(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("model-card.md"), ModelCard.markdown(record), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("model-card.json"), ModelCard.json(record), StandardCharsets.UTF_8);

    ModelVersion registered = registry.register(new ModelVersion(name, version, ModelStage.CANDIDATE, file.toUri().toString(), sha256, signature),
        record.toJson(), use);
    LOG.info("registered {} (validation AUC-ROC {}, AUC-PR {}) in {}", registered.label(), metrics.aucRoc(), metrics.aucPr(), dir);
    List<ModelVersion> changes = promote(config, registry, registered, metrics);
    return new Result(registered, record, model, dir, changes);
  }

  private static Map<String, Object> governance(DataUse use, Policy policy, List<Decision> decisions) {
    Map<String, Object> g = new java.util.LinkedHashMap<>();
    g.put("purpose", use.purpose());
    g.put("data_classes", use.classesByField());
    g.put("policy_version", policy.version());
    g.put("decisions", decisions.stream().map(Decision::reason).toList());
    return g;
  }

  static Metrics validate(LogisticModel model, Examples validation, double reviewRate) {
    double[] scores = new double[validation.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = model.predict(validation.features()[i]);
    }
    return Metrics.of(scores, validation.fraud(), reviewRate);
  }

  private static List<ModelVersion> promote(JobConfig config, ModelRegistry registry, ModelVersion registered, Metrics metrics) {
    String to = config.get("training.promote", "none");
    if (to.equals("none")) {
      return List.of();
    }
    double floor = Double.parseDouble(config.get("training.promote.min-auc-roc", "0.7"));
    if (!(metrics.aucRoc() >= floor)) {
      LOG.warn("{} stays CANDIDATE: validation AUC-ROC {} is below the floor {}", registered.label(), metrics.aucRoc(), floor);
      return List.of();
    }
    List<ModelVersion> changes = registry.promote(registered.name(), registered.version(), ModelStage.valueOf(to.toUpperCase(java.util.Locale.ROOT)));
    if (config.getBoolean("models.control.publish", true)) {
      ModelChanges.publish(config.get("kafka.bootstrap.servers"), config.get("models.control.topic", ModelChanges.DEFAULT_TOPIC), changes);
    }
    return changes;
  }

  /** The feature view the training set was built from, refusing a definition that changed since. */
  static FeatureView viewOf(Table set) {
    Map<String, String> p = set.properties();
    String name = p.get(TrainingSetJob.PROPERTY_PREFIX + "feature-view");
    if (name == null) {
      throw new IllegalArgumentException(set.name() + " is not a training set: no " + TrainingSetJob.PROPERTY_PREFIX + "feature-view property");
    }
    FeatureView view = FeatureViews.load(name);
    String recorded = p.get(TrainingSetJob.PROPERTY_PREFIX + "feature-view-sha256");
    if (!view.definitionSha256().equals(recorded) || !String.valueOf(view.version()).equals(p.get(TrainingSetJob.PROPERTY_PREFIX + "feature-view-version"))) {
      throw new IllegalStateException(set.name() + " was built from " + name + " v" + p.get(TrainingSetJob.PROPERTY_PREFIX + "feature-view-version")
          + " (" + recorded + "); the bundled definition is v" + view.version() + " (" + view.definitionSha256() + ")");
    }
    return view;
  }

  private static Map<String, Object> modelSection(String name, int version, Path file, String sha256, ModelSignature s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("version", version);
    m.put("file", file.getFileName().toString());
    m.put("sha256", sha256);
    m.put("format", "onnx");
    m.put("opset", org.tribuo.util.onnx.ONNXOperators.getOpsetVersion());
    m.put("input_name", s.inputName());
    m.put("output_name", s.outputName());
    m.put("feature_order", s.featureOrder());
    return m;
  }

  private static Map<String, Object> inputs(TableIdentifier setId, long snapshot, Table set) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("training_set", setId.toString());
    m.put("training_set_snapshot", snapshot);
    m.put("training_set_inputs", set.properties().getOrDefault(TrainingSetJob.PROPERTY_PREFIX + "input-snapshots", "{}"));
    m.put("training_set_range", set.properties().getOrDefault(TrainingSetJob.PROPERTY_PREFIX + "range", ""));
    m.put("as_of_ingestion", set.properties().getOrDefault(TrainingSetJob.PROPERTY_PREFIX + "as-of-ingestion", ""));
    return m;
  }
}
