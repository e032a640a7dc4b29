package dev.aifactory.udfs.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.definition.ViewClassification;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.models.Checksums;
import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.registry.DataUse;
import dev.aifactory.models.registry.ModelRegistry;
import dev.aifactory.models.runtime.ExecutionProvider;
import dev.aifactory.models.runtime.SharedSessions;
import dev.aifactory.training.data.Examples;
import dev.aifactory.training.model.Hyperparameters;
import dev.aifactory.training.model.LogisticModel;
import dev.aifactory.training.model.SgdTrainer;
import dev.aifactory.training.onnx.OnnxExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ML_PREDICT through a real TableEnvironment, with a model trained and exported here, on real ONNX Runtime. */
class OnnxMlPredictTest {

  static final FeatureView VIEW = FeatureViews.load("card_activity");
  static final DataUse FRAUD_DETECTION = new DataUse("fraud_detection", ViewClassification.classesByField(VIEW));
  static final List<String> FEATURES = VIEW.features().stream().map(FeatureDef::name).toList();

  @TempDir
  static Path dir;
  static Path modelFile;
  static LogisticModel reference;
  static List<Object[]> rows;

  @BeforeAll
  static void trainAndExport() throws Exception {
    Random random = new Random(17);
    int n = 1_000;
    double[][] x = new double[n][FEATURES.size()];
    boolean[] y = new boolean[n];
    String[] ids = new String[n];
    long[] times = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = "e" + i;
      times[i] = i;
      for (int j = 0; j < x[i].length; j++) {
        x[i][j] = Math.exp(random.nextGaussian() * 2);
      }
      y[i] = x[i][0] > x[i][2];
    }
    reference = new SgdTrainer(new Hyperparameters(0.1, 5, 32, 1e-4, 1, 1.0, 1)).fit(new Examples(ids, times, x, y));
    ModelSignature signature = new ModelSignature(VIEW.name(), VIEW.version(), VIEW.definitionSha256(), FEATURES,
        ModelSignature.inputNameFor(VIEW.name(), VIEW.version()), "fraud_probability");
    modelFile = dir.resolve("fraud.onnx");
    Files.write(modelFile, OnnxExport.toBytes(reference, signature, "fraud", 1));
    // SQL resolves models through the registry: register this one, and one whose registered
    // checksum its file does not match.
    ModelRegistry registry = ModelRegistry.open(IcebergCatalogs.local(warehouse()).loadCatalog());
    registry.register(new ModelVersion("fraud", 1, ModelStage.CANDIDATE, modelFile.toUri().toString(), Checksums.sha256(modelFile), signature), "{}", FRAUD_DETECTION);
    registry.promote("fraud", 1, ModelStage.CHAMPION);
    registry.register(new ModelVersion("tampered", 1, ModelStage.CANDIDATE, modelFile.toUri().toString(), "0".repeat(64), signature), "{}", FRAUD_DETECTION);

    // Counts as BIGINT, the rest DOUBLE, as in the feature history; some values NULL.
    rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Object[] row = new Object[FEATURES.size() + 1];
      row[0] = "tx-" + i;
      for (int j = 0; j < FEATURES.size(); j++) {
        boolean missing = random.nextDouble() < 0.1;
        double v = Math.exp(random.nextGaussian() * 2);
        row[j + 1] = missing ? null : isCount(j) ? (Object) (long) Math.round(v) : (Object) v;
      }
      rows.add(row);
    }
  }

  @AfterEach
  void sessionsClosed() {
    assertThat(SharedSessions.open()).isZero();
  }

  @Test
  void syncMlPredictScoresLikeTheModelItWasExportedFrom() throws Exception {
    assertScores(predict(", MAP['async', 'false']"));
  }

  @Test
  void asyncMlPredictBatchesInsideTheFunctionAndScoresTheSame() throws Exception {
    assertScores(predict(", MAP['async', 'true', 'max-concurrent-operations', '64']"));
  }

  @Test
  void rowsQueuedTogetherAreScoredInFewOnnxRuntimeCalls() throws Exception {
    LogicalTypeRoot[] types = new LogicalTypeRoot[FEATURES.size()];
    Arrays.fill(types, LogicalTypeRoot.DOUBLE);
    ModelVersion champion = ModelRegistry.open(IcebergCatalogs.local(warehouse()).loadCatalog()).current("fraud", ModelStage.CHAMPION).orElseThrow();
    OnnxModelSpec spec = new OnnxModelSpec("fraud", champion, types, new DoubleType(), ExecutionProvider.CPU, 0, 32, Duration.ofMillis(50));
    BatchingAsyncPredictFunction function = new BatchingAsyncPredictFunction(spec);
    function.open(null);
    try {
      List<CompletableFuture<Collection<RowData>>> results = new ArrayList<>();
      List<double[]> inputs = new ArrayList<>();
      Random random = new Random(3);
      for (int i = 0; i < 256; i++) {
        double[] x = random.doubles(FEATURES.size(), 0, 100).toArray();
        inputs.add(x);
        results.add(function.asyncPredict(GenericRowData.of(Arrays.stream(x).boxed().toArray())));
      }
      for (int i = 0; i < results.size(); i++) {
        var row = results.get(i).get(30, TimeUnit.SECONDS).iterator().next();
        assertThat(row.getDouble(0)).isCloseTo(reference.predict(inputs.get(i)), within(1e-5));
      }
      assertThat(function.batches()).as("256 rows, batches of up to 32").isBetween(8L, 32L);
    } finally {
      function.close();
    }
  }

  @Test
  void aFileThatDoesNotMatchItsRegisteredChecksumIsRefused() {
    TableEnvironment tables = tables();
    tables.executeSql(createModel("bad", "tampered", "1"));
    assertThatThrownBy(() -> collect(tables.executeSql("SELECT * FROM ML_PREDICT(TABLE events, MODEL bad, DESCRIPTOR("
        + String.join(", ", FEATURES) + "))").collect()))
        .hasStackTraceContaining("checksum mismatch");
  }

  private void assertScores(Map<String, Double> scores) {
    assertThat(scores).hasSize(rows.size());
    for (Object[] row : rows) {
      double[] x = new double[FEATURES.size()];
      for (int j = 0; j < x.length; j++) {
        x[j] = row[j + 1] == null ? Double.NaN : ((Number) row[j + 1]).doubleValue();
      }
      assertThat(scores.get((String) row[0])).as((String) row[0]).isCloseTo(reference.predict(x), within(1e-5));
    }
  }

  private Map<String, Double> predict(String config) throws Exception {
    TableEnvironment tables = tables();
    tables.executeSql(createModel("fraud", "fraud", "champion"));
    String sql = "SELECT event_id, fraud_probability FROM ML_PREDICT(TABLE events, MODEL fraud, DESCRIPTOR("
        + String.join(", ", FEATURES) + ")" + config + ")";
    Map<String, Double> out = new HashMap<>();
    for (Row r : collect(tables.executeSql(sql).collect())) {
      out.put((String) r.getField(0), (Double) r.getField(1));
    }
    return out;
  }

  private static TableEnvironment tables() {
    TableEnvironment tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    tables.getConfig().set("parallelism.default", "2");
    String columns = "event_id STRING, " + columnList();
    String values = rows.stream().map(OnnxMlPredictTest::literalRow).collect(Collectors.joining(",\n"));
    tables.executeSql("CREATE TEMPORARY VIEW events (" + String.join(", ", header()) + ") AS VALUES " + values);
    return tables;
  }

  /**
   * The statement cannot name a file or a checksum: a model is a registered name and version,
   * and INPUT must be its signature's columns in order.
   */
  @Test
  void modelsComeOnlyFromTheRegistry() {
    TableEnvironment tables = tables();
    tables.executeSql("CREATE TEMPORARY MODEL m INPUT (" + columnList() + ") OUTPUT (p DOUBLE) WITH ("
        + "'provider' = 'onnx', 'model' = 'fraud', 'version' = '1', 'path' = '" + modelFile.toUri() + "', 'sha256' = 'x', "
        + registryOptions() + ")");
    assertPlanningFails(tables, "m", "Unsupported options");
    tables.executeSql(createModel("missing", "no-such-model", "1"));
    assertPlanningFails(tables, "missing", "no-such-model:1 is not in the registry");
    tables.executeSql(createModel("nochallenger", "fraud", "challenger"));
    assertPlanningFails(tables, "nochallenger", "has no challenger");
    List<String> swapped = new ArrayList<>(FEATURES);
    java.util.Collections.swap(swapped, 0, 1);
    tables.executeSql("CREATE TEMPORARY MODEL swapped INPUT (" + swapped.stream().map(f -> f + " DOUBLE").collect(Collectors.joining(", "))
        + ") OUTPUT (fraud_probability DOUBLE) WITH ('provider' = 'onnx', 'model' = 'fraud', 'version' = '1', " + registryOptions() + ")");
    assertPlanningFails(tables, "swapped", "in this order");
  }

  private static void assertPlanningFails(TableEnvironment tables, String model, String message) {
    assertThatThrownBy(() -> collect(tables.executeSql("SELECT * FROM ML_PREDICT(TABLE events, MODEL " + model + ", DESCRIPTOR("
        + String.join(", ", FEATURES) + "))").collect())).hasStackTraceContaining(message);
  }

  private static Path warehouse() {
    return dir.resolve("warehouse");
  }

  private static String registryOptions() {
    return "'registry.catalog.type' = 'hadoop', 'registry.catalog.warehouse' = '" + warehouse() + "'";
  }

  private static String createModel(String name, String model, String version) {
    return "CREATE TEMPORARY MODEL " + name + " INPUT (" + columnList() + ") OUTPUT (fraud_probability DOUBLE) WITH ("
        + "'provider' = 'onnx', 'model' = '" + model + "', 'version' = '" + version + "', " + registryOptions() + ", "
        + "'batch.max-size' = '32')";
  }

  private static String columnList() {
    List<String> cols = new ArrayList<>();
    for (int j = 0; j < FEATURES.size(); j++) {
      cols.add(FEATURES.get(j) + (isCount(j) ? " BIGINT" : " DOUBLE"));
    }
    return String.join(", ", cols);
  }

  private static List<String> header() {
    List<String> h = new ArrayList<>(List.of("event_id"));
    h.addAll(FEATURES);
    return h;
  }

  private static String literalRow(Object[] row) {
    List<String> parts = new ArrayList<>(List.of("'" + row[0] + "'"));
    for (int j = 0; j < FEATURES.size(); j++) {
      Object v = row[j + 1];
      String type = isCount(j) ? "BIGINT" : "DOUBLE";
      parts.add(v == null ? "CAST(NULL AS " + type + ")" : "CAST(" + v + " AS " + type + ")");
    }
    return "(" + String.join(", ", parts) + ")";
  }

  private static boolean isCount(int feature) {
    return FEATURES.get(feature).startsWith("tx_count") || FEATURES.get(feature).startsWith("merchants")
        || FEATURES.get(feature).startsWith("countries");
  }

  private static List<Row> collect(CloseableIterator<Row> it) throws Exception {
    List<Row> out = new ArrayList<>();
    try (it) {
      it.forEachRemaining(out::add);
    }
    return out;
  }
}
