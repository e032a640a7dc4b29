package dev.aifactory.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.launcher.lineage.LineageGraph;
import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.registry.DataUse;
import dev.aifactory.models.registry.ModelRegistry;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lineage answers against a known run graph:
 * <pre>
 * raw.transactions ─ bronze/silver.transactions ─ gold.features_card_id_history ─┬─ gold.training_a ─ fraud:1
 * raw.labels ─ bronze/silver.labels ─────────────────────────────────────────────┴─ gold.training_b ─ fraud:2 ─ prediction e-1
 * raw.transactions ─ ... ─ gold.features_merchant_id_history ─ gold.training_m ─ merchant-risk:1
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LineageCommandTest {

  @TempDir
  static Path warehouse;
  LineageGraph graph;

  @BeforeAll
  void aKnownRunGraph() {
    Catalog catalog = IcebergCatalogs.local(warehouse).loadCatalog();
    ModelRegistry registry = ModelRegistry.open(catalog);
    register(registry, "fraud", 1, List.of("tx_count_10m", "amount_sum_1h"), "gold.training_a", 11,
        "{\"silver.transactions\":5,\"gold.features_card_id_history\":7}");
    register(registry, "fraud", 2, List.of("tx_count_10m", "last_amount"), "gold.training_b", 12,
        "{\"silver.labels\":6,\"gold.features_card_id_history\":8}");
    register(registry, "merchant-risk", 1, List.of("merchant_tx_count_1h"), "gold.training_m", 13,
        "{\"gold.features_merchant_id_history\":9}");
    registry.promote("fraud", 2, ModelStage.CHAMPION);

    Schema predictions = new Schema(Types.NestedField.required(1, "event_id", Types.StringType.get()),
        Types.NestedField.required(2, "model_name", Types.StringType.get()),
        Types.NestedField.required(3, "model_version", Types.IntegerType.get()),
        Types.NestedField.required(4, "scored_at", Types.TimestampType.withZone()));
    GenericRecord p = GenericRecord.create(predictions);
    p.setField("event_id", "e-1");
    p.setField("model_name", "fraud");
    p.setField("model_version", 2);
    p.setField("scored_at", OffsetDateTime.parse("2026-12-07T06:00:00Z"));
    IcebergAppends.append(catalog.createTable(TableIdentifier.of("gold", "predictions"), predictions), List.of(p));

    Schema events = new Schema(Types.NestedField.required(1, "event_id", Types.StringType.get()),
        Types.NestedField.required(2, "_topic", Types.StringType.get()),
        Types.NestedField.required(3, "_kafka_partition", Types.IntegerType.get()),
        Types.NestedField.required(4, "_offset", Types.LongType.get()));
    for (String zone : List.of("bronze", "silver")) {
      GenericRecord e = GenericRecord.create(events);
      e.setField("event_id", "e-1");
      e.setField("_topic", "raw.transactions");
      e.setField("_kafka_partition", 1);
      e.setField("_offset", 42L);
      IcebergAppends.append(catalog.createTable(TableIdentifier.of(zone, "transactions"), events), List.of(e));
    }
    graph = new LineageGraph(catalog, TablesCommand.VIEWS.stream().map(FeatureViews::load).toList());
  }

  @Test
  void whichModelsReadAFeature() {
    assertThat(graph.modelsReading("tx_count_10m")).extracting(LineageGraph.ModelLineage::model).containsExactly("fraud:1", "fraud:2");
    assertThat(graph.modelsReading("merchant_tx_count_1h")).extracting(LineageGraph.ModelLineage::model).containsExactly("merchant-risk:1");
    assertThat(graph.modelsReading("nobody_reads_me")).isEmpty();
  }

  @Test
  void whichSourcesAndSnapshotsFedAModel() {
    var m = graph.model("fraud", 1).orElseThrow();
    assertThat(m.trainingSet()).isEqualTo("gold.training_a");
    assertThat(m.trainingSetSnapshot()).isEqualTo(11);
    assertThat(m.inputSnapshots()).containsEntry("silver.transactions", 5).containsEntry("gold.features_card_id_history", 7);
    assertThat(m.stage()).isEqualTo("CANDIDATE");
  }

  @Test
  void whatFedAPrediction() {
    var p = graph.prediction("e-1").orElseThrow();
    assertThat(p.model()).isEqualTo("fraud:2");
    assertThat(p.modelLineage().inputSnapshots()).containsEntry("silver.labels", 6);
    assertThat(p.silverRecord()).containsEntry("_topic", "raw.transactions").containsEntry("_kafka_partition", "1").containsEntry("_offset", "42");
    assertThat(p.bronzeRecord()).containsEntry("table", "bronze.transactions").containsEntry("_offset", "42");
    assertThat(graph.prediction("e-unknown")).isEmpty();
  }

  @Test
  void whomToCallWhenASourceChanges() {
    assertThat(graph.ownersDownstreamOf("transactions")).containsExactly(
        Map.entry("bronze.transactions", "data-platform"),
        Map.entry("silver.transactions", "payments"),
        Map.entry("gold.features_card_id_history", "ml-platform"),
        Map.entry("gold.features_merchant_id_history", "ml-platform"),
        Map.entry("gold.training_a", "fraud-ml"),
        Map.entry("gold.training_b", "fraud-ml"),
        Map.entry("gold.training_m", "fraud-ml"),
        Map.entry("gold.predictions", "fraud-ml"),
        Map.entry("model fraud:1", "ml-platform"),
        Map.entry("model fraud:2", "ml-platform"),
        Map.entry("model merchant-risk:1", "ml-platform"));
    assertThat(graph.ownersDownstreamOf("labels")).containsKeys("silver.labels", "gold.training_b", "model fraud:2")
        .doesNotContainKeys("model fraud:1", "model merchant-risk:1");
  }

  @Test
  void theCommandPrintsTheAnswer() {
    var out = new java.io.ByteArrayOutputStream();
    var stdout = System.out;
    System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      int exit = new picocli.CommandLine(new Factory()).setUnmatchedOptionsArePositionalParams(true)
          .execute("lineage", "feature", "last_amount", "--warehouse", warehouse.toString());
      assertThat(exit).isZero();
    } finally {
      System.setOut(stdout);
    }
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("\"model\" : \"fraud:2\"").doesNotContain("fraud:1");
  }

  private static void register(ModelRegistry registry, String name, int version, List<String> features, String set, long snapshot,
      String inputs) {
    ModelSignature signature = new ModelSignature("card_activity", 2, "abc", features, "card_activity_v2", "fraud_probability");
    String run = "{\"inputs\":{\"training_set\":\"" + set + "\",\"training_set_snapshot\":" + snapshot
        + ",\"training_set_inputs\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(inputs) + "}}";
    registry.register(new ModelVersion(name, version, ModelStage.CANDIDATE, "file:/m/" + name + version + ".onnx", "sha" + version, signature),
        run, new DataUse("fraud_detection", Map.of("card_id", "pci")));
  }
}
