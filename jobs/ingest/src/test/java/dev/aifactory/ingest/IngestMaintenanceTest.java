package dev.aifactory.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.localstack.LocalKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.DataOperations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Maintenance switched on by configuration compacts the small files streaming commits leave. */
class IngestMaintenanceTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(8).build());

  @Test
  void compactionRewritesBronzeFilesWithoutChangingItsRows(@TempDir Path tmp) throws Exception {
    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(2, "raw.transactions", "raw.labels", "silver.transactions", "silver.labels", "ingest.quarantine");
      IngestHarness harness = new IngestHarness(kafka, tmp.resolve("warehouse"), null);
      List<GeneratedMessage> messages = new PaymentsGenerator(GeneratorSettings.defaults().withSeed(11).withRates(0, 0, 0),
          "raw.transactions", null).take(3_000);
      harness.sendAll(messages);
      var config = harness.config("maintenance")
          .with("ingest.maintenance.enabled", "true")
          .with("ingest.maintenance.compact.after-data-files", "2")
          .with("ingest.maintenance.expire.after-commits", "100")
          .with("ingest.maintenance.rate-limit", "1s");
      JobClient job = harness.startStreaming(config, raw -> raw.map(r -> {
        Thread.sleep(2); // several checkpoints, so several small files
        return r;
      }).uid("throttle"), null);
      try {
        harness.await(job, () -> harness.committed(IngestTables.bronze("transactions")) >= messages.size()
            && replaced(harness), Duration.ofMinutes(2));
      } finally {
        job.cancel().get();
      }
      assertThat(harness.table(IngestTables.bronze("transactions"))).hasSize(messages.size());
    }
  }

  private static boolean replaced(IngestHarness harness) {
    var table = harness.loadTable(IngestTables.bronze("transactions"));
    return StreamSupport.stream(table.snapshots().spliterator(), false)
        .anyMatch(s -> DataOperations.REPLACE.equals(s.operation()));
  }
}
