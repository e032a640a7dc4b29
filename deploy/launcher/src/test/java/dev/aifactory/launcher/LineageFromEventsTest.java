package dev.aifactory.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.lineage.LineageDataset;
import dev.aifactory.common.lineage.RunLineage;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.launcher.lineage.LineageEvents;
import dev.aifactory.launcher.lineage.LineageGraph;
import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.registry.DataUse;
import dev.aifactory.models.registry.ModelRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lineage answers from the jobs' OpenLineage events, written through {@link RunLineage} with the
 * default file transport over a real Iceberg warehouse, for a known run graph:
 * <pre>
 * ingest-1 ─ silver.transactions@S1 and its topic, silver.labels ─┬─ features ─ history@H1 ─┐
 *                                                                 └────────────────────────┴─ training-set ─ gold.training_x@T1 ─ train ─ fraud:1
 * ingest-2 ─ silver.transactions@S2 and its topic (after the training)
 * scoring (streaming, started only) ─ gold.predictions, topic scores
 * </pre>
 * The features job runs on, as a streaming job submitted detached does: it reports only its
 * start, and its history snapshot names it by {@code flink.job-id}, as Iceberg's Flink sink
 * writes it. It reads the silver topic, which has no versions: ingest-2, which started after
 * it, must not count as its producer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LineageFromEventsTest {

  @TempDir
  static Path dir;
  Catalog catalog;
  Path events;
  JobConfig config;
  final UUID ingest1 = UUID.randomUUID();
  final UUID backfill = UUID.randomUUID();
  final UUID trainingSet = UUID.randomUUID();
  final UUID train = UUID.randomUUID();
  final UUID ingest2 = UUID.randomUUID();
  final UUID scoring = UUID.randomUUID();

  static final Schema EVENTS = new Schema(Types.NestedField.required(1, "event_id", Types.StringType.get()));
  static final Schema PREDICTIONS = new Schema(Types.NestedField.required(1, "event_id", Types.StringType.get()),
      Types.NestedField.required(2, "model_name", Types.StringType.get()),
      Types.NestedField.required(3, "model_version", Types.IntegerType.get()),
      Types.NestedField.required(4, "scored_at", Types.TimestampType.withZone()));

  @BeforeAll
  void aKnownRunGraph() throws Exception {
    Path warehouse = dir.resolve("warehouse");
    events = dir.resolve("lineage.jsonl");
    config = JobConfig.of(Map.of("iceberg.catalog.type", "hadoop", "iceberg.catalog.warehouse", warehouse.toString(),
        "kafka.bootstrap.servers", "broker-1:9092", "lineage.transport.location", events.toString()));
    catalog = IcebergCatalogs.loader(config).loadCatalog();
    Table silver = catalog.createTable(TableIdentifier.parse("silver.transactions"), EVENTS);
    Table labels = catalog.createTable(TableIdentifier.parse("silver.labels"), EVENTS);
    Table history = catalog.createTable(TableIdentifier.parse("gold.features_card_id_history"), EVENTS);
    Table training = catalog.createTable(TableIdentifier.parse("gold.training_x"), EVENTS);
    Table predictions = catalog.createTable(TableIdentifier.parse("gold.predictions"), PREDICTIONS);

    RunLineage first = RunLineage.batchRun(config, "factory-ingest", ingest1)
        .reads(LineageDataset.topic("raw.transactions"), LineageDataset.topic("raw.labels"))
        .writes(LineageDataset.table("silver.transactions"), LineageDataset.table("silver.labels"), LineageDataset.topic("silver.transactions"));
    first.started();
    IcebergAppends.append(silver, rows("e-1"));
    IcebergAppends.append(labels, rows("e-1"));
    first.completed();

    RunLineage.batchRun(config, "factory-features-card_activity-stream", backfill).reads(LineageDataset.topic("silver.transactions"))
        .writes(LineageDataset.table("gold.features_card_id_history")).started();
    history.newAppend().appendFile(IcebergAppends.write(history, rows("e-1")))
        .set("flink.job-id", backfill.toString().replace("-", "")).commit();

    RunLineage set = RunLineage.batchRun(config, "factory-training-set gold.training_x", trainingSet)
        .reads(LineageDataset.table("silver.transactions"), LineageDataset.table("silver.labels"),
            LineageDataset.table("gold.features_card_id_history"))
        .writes(LineageDataset.table("gold.training_x"));
    set.started();
    IcebergAppends.append(training, rows("e-1"));
    set.completed();

    RunLineage trainer = RunLineage.batchRun(config, "factory-train fraud", train)
        .reads(LineageDataset.table("gold.training_x")).writes(LineageDataset.table(ModelRegistry.TABLE));
    trainer.started();
    training.refresh();
    register(train, training.currentSnapshot().snapshotId());
    trainer.writes(LineageDataset.file("file:/m/fraud1.onnx")).completed();

    RunLineage second = RunLineage.batchRun(config, "factory-ingest", ingest2)
        .reads(LineageDataset.topic("raw.transactions")).writes(LineageDataset.table("silver.transactions"), LineageDataset.topic("silver.transactions"));
    second.started();
    IcebergAppends.append(silver, rows("e-2"));
    second.completed();

    RunLineage.batchRun(config, "factory-scoring-fraud", scoring)
        .reads(LineageDataset.topic("silver.transactions"), LineageDataset.file("file:/m/fraud1.onnx"))
        .writes(LineageDataset.table("gold.predictions"), LineageDataset.topic("scores")).started();
    GenericRecord p = GenericRecord.create(PREDICTIONS);
    p.setField("event_id", "e-2");
    p.setField("model_name", "fraud");
    p.setField("model_version", 1);
    p.setField("scored_at", OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(1));
    IcebergAppends.append(predictions, List.of(p));
  }

  LineageGraph graph() {
    return new LineageGraph(catalog, TablesCommand.VIEWS.stream().map(FeatureViews::load).toList(), LineageEvents.read(events));
  }

  @Test
  void aModelsRunsAreItsTrainingAndWhatProducedTheSnapshotsItRead() {
    var runs = graph().model("fraud", 1).orElseThrow().runs();
    assertThat(runs).extracting(LineageEvents.Run::runId)
        .containsExactly(train.toString(), trainingSet.toString(), ingest1.toString(), backfill.toString());
    assertThat(runs.get(0).state()).isEqualTo("COMPLETE");
    assertThat(runs.get(0).outputs()).extracting(LineageEvents.DatasetAt::name).contains("models.registry", "/m/fraud1.onnx");
    // The training set read silver at the snapshot ingest-1 committed, not ingest-2's.
    var silverRead = runs.get(1).inputs().stream().filter(d -> d.name().equals("silver.transactions")).findFirst().orElseThrow();
    assertThat(silverRead.version()).isEqualTo(runs.get(2).outputs().stream()
        .filter(d -> d.name().equals("silver.transactions") && !d.isTopic()).findFirst().orElseThrow().version());
    assertThat(runs.get(3).state()).isEqualTo("START");
  }

  @Test
  void aPredictionNamesTheScoringRun() {
    var prediction = graph().prediction("e-2").orElseThrow();
    assertThat(prediction.scoringRun().runId()).isEqualTo(scoring.toString());
    assertThat(prediction.scoringRun().inputs()).extracting(LineageEvents.DatasetAt::namespace)
        .containsExactly("kafka://broker-1:9092", "file");
    assertThat(prediction.modelLineage().runs()).isNotEmpty();
  }

  @Test
  void ownersReachWhatTheRunsWroteDownstream() {
    assertThat(graph().ownersDownstreamOf("transactions"))
        .containsEntry("gold.training_x", "fraud-ml")
        .containsEntry("gold.predictions", "fraud-ml")
        .containsEntry("topic scores", "undeclared");
    // Without the events, nothing reads silver into the scores topic.
    assertThat(new LineageGraph(catalog, TablesCommand.VIEWS.stream().map(FeatureViews::load).toList()).ownersDownstreamOf("transactions"))
        .doesNotContainKey("topic scores");
  }

  @Test
  void theCommandReadsTheEventFile() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int exit = new picocli.CommandLine(new Factory()).setUnmatchedOptionsArePositionalParams(true)
          .execute("lineage", "model", "fraud:1", "--warehouse", dir.resolve("warehouse").toString(), "--events", events.toString());
      assertThat(exit).isZero();
    } finally {
      System.setOut(stdout);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"job\" : \"factory-train fraud\"", "\"job\" : \"factory-ingest\"",
        ingest1.toString()).doesNotContain(ingest2.toString());
  }

  private static List<Record> rows(String eventId) {
    GenericRecord r = GenericRecord.create(EVENTS);
    r.setField("event_id", eventId);
    return List.of(r);
  }

  private void register(UUID runId, long setSnapshot) {
    ModelRegistry registry = ModelRegistry.open(catalog);
    ModelSignature signature = new ModelSignature("card_activity", 2, "abc", List.of("tx_count_10m"), "card_activity_v2", "fraud_probability");
    String record = "{\"runId\":\"" + runId + "\",\"inputs\":{\"training_set\":\"gold.training_x\",\"training_set_snapshot\":" + setSnapshot + "}}";
    registry.register(new ModelVersion("fraud", 1, ModelStage.CANDIDATE, "file:/m/fraud1.onnx", "sha1", signature), record,
        new DataUse("fraud_detection", Map.of("card_id", "pci")));
  }
}
