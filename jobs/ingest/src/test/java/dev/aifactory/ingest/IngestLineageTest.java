package dev.aifactory.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.localstack.LocalKafka;
import io.openlineage.client.OpenLineage.Dataset;
import io.openlineage.client.OpenLineage.RunEvent;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import io.openlineage.client.OpenLineageClientUtils;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest job's OpenLineage events, from a real run on Kafka, Flink and Iceberg: what it read
 * and wrote, tables with their schema and the snapshot the run committed, through the shipped
 * file transport and through Kafka.
 */
class IngestLineageTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  static LocalKafka kafka;

  @BeforeAll
  static void someTraffic() {
    kafka = LocalKafka.start();
    kafka.createTopics(2, "raw.transactions", "raw.labels", "silver.transactions", "silver.labels", "ingest.quarantine");
    new IngestHarness(kafka, null, null).sendAll(
        new PaymentsGenerator(GeneratorSettings.defaults().withSeed(11), "raw.transactions", "raw.labels").take(600));
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  @Test
  void aRunRecordsWhatItReadAndTheSnapshotsItCommitted(@TempDir Path tmp) throws Exception {
    IngestHarness harness = new IngestHarness(kafka, tmp.resolve("warehouse"), null);
    harness.runBounded(harness.config("lineage-file"));

    List<RunEvent> events = Files.readAllLines(harness.lineageEvents(), StandardCharsets.UTF_8).stream()
        .map(OpenLineageClientUtils::runEventFromJson).toList();
    assertThat(events).extracting(RunEvent::getEventType).containsExactly(EventType.START, EventType.COMPLETE);
    RunEvent start = events.get(0);
    RunEvent complete = events.get(1);
    assertThat(complete.getRun().getRunId()).isEqualTo(start.getRun().getRunId());
    assertThat(complete.getJob().getNamespace()).isEqualTo("aifactory");
    assertThat(complete.getJob().getName()).isEqualTo("factory-ingest");
    assertThat(complete.getJob().getFacets().getJobType().getProcessingType()).isEqualTo("BATCH");

    assertThat(complete.getInputs()).extracting(Dataset::getName).containsExactlyInAnyOrder("raw.transactions", "raw.labels");
    assertThat(complete.getInputs()).extracting(Dataset::getNamespace).containsOnly("kafka://" + kafka.bootstrapServers().split(",")[0]);
    assertThat(complete.getOutputs()).extracting(Dataset::getName).contains("bronze.transactions", "silver.transactions",
        "bronze.labels", "silver.labels", "ingest.quarantine", "silver.transactions", "ingest.quarantine");

    var catalog = IcebergCatalogs.local(tmp.resolve("warehouse")).loadCatalog();
    for (TableIdentifier id : List.of(IngestTables.bronze("transactions"), IngestTables.silver("transactions"))) {
      Table table = catalog.loadTable(id);
      Dataset written = complete.getOutputs().stream()
          .filter(d -> d.getName().equals(id.toString()) && !d.getNamespace().startsWith("kafka://")).findFirst().orElseThrow();
      // The version is the snapshot the run committed, and that snapshot names the run by its Flink job id.
      assertThat(written.getFacets().getVersion().getDatasetVersion()).isEqualTo(String.valueOf(table.currentSnapshot().snapshotId()));
      assertThat(table.currentSnapshot().summary().get("flink.job-id"))
          .isEqualTo(complete.getRun().getRunId().toString().replace("-", ""));
      assertThat(written.getFacets().getSchema().getFields()).extracting(f -> f.getName())
          .containsExactlyElementsOf(table.schema().columns().stream().map(Types.NestedField::name).toList());
      // Before the run the table held only the empty snapshot the job made when it created it.
      Dataset before = start.getOutputs().stream().filter(d -> d.getName().equals(id.toString()) && !d.getNamespace().startsWith("kafka://"))
          .findFirst().orElseThrow();
      var created = table.snapshots().iterator().next();
      assertThat(created.summary()).containsEntry("factory.operation", "create");
      assertThat(before.getFacets().getVersion().getDatasetVersion()).isEqualTo(String.valueOf(created.snapshotId()));
    }
  }

  @Test
  void eventsGoToAKafkaTopicWhenConfigured(@TempDir Path tmp) throws Exception {
    kafka.createTopics(1, "lineage.events");
    IngestHarness harness = new IngestHarness(kafka, tmp.resolve("warehouse"), null);
    JobConfig config = harness.config("lineage-kafka")
        .with("lineage.transport.type", "kafka")
        .with("lineage.transport.topicName", "lineage.events");
    harness.runBounded(config);

    List<RunEvent> events = kafka.readTopic("lineage.events").stream()
        .map(r -> OpenLineageClientUtils.runEventFromJson(new String(r.value(), StandardCharsets.UTF_8))).toList();
    assertThat(events).extracting(RunEvent::getEventType).containsExactly(EventType.START, EventType.COMPLETE);
    assertThat(events).extracting(e -> e.getRun().getRunId()).containsOnly(events.get(0).getRun().getRunId());
    assertThat(events.get(1).getOutputs()).extracting(Dataset::getName).contains("silver.transactions");
    assertThat(harness.lineageEvents()).doesNotExist();
  }
}
