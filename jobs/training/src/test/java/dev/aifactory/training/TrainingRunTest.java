package dev.aifactory.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.training.TrainingSetJob;
import dev.aifactory.models.Checksums;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.registry.ModelRegistry;
import dev.aifactory.models.runtime.BatchScorer;
import dev.aifactory.models.runtime.ExecutionProvider;
import dev.aifactory.models.runtime.ModelFiles;
import dev.aifactory.models.runtime.SharedSessions;
import dev.aifactory.training.data.Examples;
import dev.aifactory.training.data.TrainingSetReader;
import dev.aifactory.training.run.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Training on a real point-in-time training set, end to end, with ONNX Runtime scoring the export. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingRunTest {

  static final FeatureView VIEW = FeatureViews.load("card_activity");

  @TempDir
  static Path tmp;
  JobConfig config;
  Catalog catalog;
  TableIdentifier trainingSet;
  TrainingRun.Result first;

  @BeforeAll
  void trainOnce() throws Exception {
    config = JobConfig.of(Map.of(
        "iceberg.catalog.type", "hadoop",
        "iceberg.catalog.warehouse", tmp.resolve("warehouse").toString(),
        "flink.parallelism.default", "2",
        "models.dir", tmp.resolve("models").toString(),
        "training.review-rate", "0.02",
        "training.promote", "champion",
        "kafka.bootstrap.servers", "localhost:9092",
        "models.control.publish", "false"));
    catalog = IcebergCatalogs.loader(config).loadCatalog();
    FraudTrainingSet.Generated data = FraudTrainingSet.generate(FraudTrainingSet.settings(5), 12_000);
    // Skip the first 6 hours: features need history before they mean anything.
    Instant from = Instant.ofEpochMilli(data.firstTime()).plusSeconds(6 * 3600);
    trainingSet = FraudTrainingSet.build(config, catalog, VIEW, data, "test", from, Instant.ofEpochMilli(data.lastTime() + 1));
    first = TrainingRun.run(config.with("training.set", trainingSet.toString()));
  }

  @Test
  void learnsTheGeneratorsFraudPatternsWellAboveChance() {
    Map<String, Object> metrics = first.record().metrics();
    assertThat((Integer) metrics.get("positives")).as("validation has fraud to find").isGreaterThan(20);
    assertThat((Double) metrics.get("auc_roc")).isGreaterThan(0.8);
    double fraudShare = (Integer) metrics.get("positives") / (double) (Integer) metrics.get("rows");
    assertThat((Double) metrics.get("auc_pr")).as("well above the fraud share %s", fraudShare).isGreaterThan(3 * fraudShare);
    assertThat((Double) metrics.get("precision_at_review_rate")).isGreaterThan(3 * fraudShare);
  }

  @Test
  void onnxRuntimeScoresTheExportLikeTheJavaModel() throws Exception {
    Table set = catalog.loadTable(trainingSet);
    Examples examples = TrainingSetReader.read(set, VIEW.features().stream().map(FeatureDef::name).toList(),
        VIEW.eventIdField(), VIEW.eventTimeField()).examples();
    // Plus vectors the data rarely has: nothing known (a new or expired card), some values
    // missing, out-of-range values.
    int width = examples.width();
    double[] none = new double[width];
    java.util.Arrays.fill(none, Double.NaN);
    double[] partial = examples.features()[examples.size() / 2].clone();
    partial[0] = Double.NaN;
    partial[width - 1] = Double.NaN;
    double[] odd = new double[width];
    for (int i = 0; i < width; i++) {
      odd[i] = i % 2 == 0 ? -5 : 1e7;
    }
    java.util.List<double[]> vectors = new java.util.ArrayList<>(java.util.List.of(examples.features()));
    vectors.addAll(java.util.List.of(none, partial, odd));
    try (BatchScorer scorer = new BatchScorer(SharedSessions.acquire(first.model(), ExecutionProvider.CPU, 0), 256)) {
      for (int start = 0; start < vectors.size(); start += 256) {
        int rows = Math.min(256, vectors.size() - start);
        for (int i = 0; i < rows; i++) {
          scorer.set(i, vectors.get(start + i));
        }
        float[] scores = scorer.score(rows);
        for (int i = 0; i < rows; i++) {
          assertThat((double) scores[i]).as("row %d", start + i).isCloseTo(first.weights().predict(vectors.get(start + i)), within(1e-5));
        }
      }
    }
    assertThat(SharedSessions.open()).isZero();
  }

  @Test
  void theRunRecordPinsInputsCodeAndTheFileAndTheCardIsGeneratedFromIt() throws Exception {
    RunRecord record = RunRecord.fromJson(Files.readString(first.directory().resolve("run.json")));
    Path file = ModelFiles.path(first.model().uri());
    assertThat(record.model()).containsEntry("sha256", Checksums.sha256(file)).containsEntry("input_name", "card_activity_v2");
    assertThat(record.inputs()).containsEntry("training_set", trainingSet.toString())
        .containsEntry("training_set_snapshot", catalog.loadTable(trainingSet).currentSnapshot().snapshotId());
    assertThat((String) record.inputs().get("training_set_inputs")).contains("silver.transactions", "silver.labels",
        "gold.features_card_id_history");
    assertThat(record.featureView()).containsEntry("sha256", VIEW.definitionSha256());
    assertThat(record.codeVersion()).isNotBlank();
    assertThat(record.environment()).containsKeys("jvm", "os", "accelerator");
    assertThat(record.hyperparameters()).containsEntry("algorithm", "logistic_regression_sgd");

    String card = Files.readString(first.directory().resolve("model-card.md"));
    assertThat(card).contains(first.model().sha256(), record.runId(), String.format(java.util.Locale.ROOT, "%.4f", (Double) record.metrics().get("auc_roc")));
    VIEW.features().forEach(f -> assertThat(card).contains("`" + f.name() + "`"));
    assertThat(Files.readString(first.directory().resolve("model-card.json"))).contains(record.runId());
    // The card says what the model may use and why: its purpose, the classes of its inputs, the policy's decision.
    assertThat(record.governance()).containsEntry("purpose", "fraud_detection").containsEntry("data_classes", Map.of("card_id", "pci"));
    assertThat(card).contains("Purpose: `fraud_detection`", "`card_id` (pci)", "rule 'fraud-models-use-payment-identifiers'");

    ModelRegistry registry = ModelRegistry.open(catalog);
    assertThat(registry.runRecord("fraud", first.model().version())).hasValueSatisfying(json ->
        assertThat(RunRecord.fromJson(json).runId()).isEqualTo(record.runId()));
  }

  @Test
  void aNewChampionRetiresTheOldOne() throws Exception {
    ModelRegistry registry = ModelRegistry.open(catalog);
    assertThat(registry.current("fraud", ModelStage.CHAMPION)).map(ModelVersion::version).hasValue(first.model().version());
    TrainingRun.Result second = TrainingRun.run(config.with("training.set", trainingSet.toString()).with("training.seed", "7"));
    assertThat(second.model().version()).isEqualTo(first.model().version() + 1);
    assertThat(second.changes()).extracting(v -> v.version() + " " + v.stage())
        .containsExactly(first.model().version() + " RETIRED", second.model().version() + " CHAMPION");
    assertThat(registry.versions("fraud")).extracting(ModelVersion::stage).containsExactly(ModelStage.RETIRED, ModelStage.CHAMPION);
  }

  /** A purpose the policy forbids for card data is refused before any model file or registry row exists. */
  @Test
  void aModelForAPurposeThePolicyForbidsIsNeverRegistered() throws Exception {
    ModelRegistry registry = ModelRegistry.open(catalog);
    int before = registry.versions("marketing-propensity").size();
    assertThatThrownBy(() -> TrainingRun.run(config.with("training.set", trainingSet.toString())
        .with("training.model-name", "marketing-propensity").with("training.purpose", "marketing")))
        .isInstanceOf(dev.aifactory.common.policy.PolicyDeniedException.class)
        .hasMessageContaining("rule 'marketing-never-uses-card-or-personal-data'").hasMessageContaining("'pci'");
    assertThat(registry.versions("marketing-propensity")).hasSize(before);
    assertThat(tmp.resolve("models").resolve("marketing-propensity")).doesNotExist();
    // And the registry itself refuses it, whoever calls it.
    ModelVersion any = registry.current("fraud", ModelStage.CHAMPION).orElseThrow();
    assertThatThrownBy(() -> registry.register(new ModelVersion("marketing-propensity", 1, ModelStage.CANDIDATE, any.uri(), any.sha256(),
        any.signature()), "{}", new dev.aifactory.models.registry.DataUse("marketing", Map.of("card_id", "pci"))))
        .hasMessageContaining("marketing-never-uses-card-or-personal-data");
  }

  @Test
  void refusesATrainingSetBuiltFromAnotherDefinitionOfTheView() {
    Table set = catalog.loadTable(trainingSet);
    String recorded = set.properties().get(TrainingSetJob.PROPERTY_PREFIX + "feature-view-sha256");
    set.updateProperties().set(TrainingSetJob.PROPERTY_PREFIX + "feature-view-sha256", "0".repeat(64)).commit();
    try {
      assertThatThrownBy(() -> TrainingRun.viewOf(catalog.loadTable(trainingSet))).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("bundled definition");
    } finally {
      set.updateProperties().set(TrainingSetJob.PROPERTY_PREFIX + "feature-view-sha256", recorded).commit();
    }
  }
}
