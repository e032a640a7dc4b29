package dev.aifactory.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.ingest.replay.QuarantineReplay;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.localstack.LocalSchemaRegistry;
import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.schemas.wire.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry is down long enough that payments give up waiting and are quarantined as
 * {@code REGISTRY_UNAVAILABLE}; once it is back, {@code factory quarantine replay} sends them
 * again to the running ingest job, and each lands in silver once, even when replayed twice.
 */
class QuarantineReplayTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  private static final String TX = "raw.transactions";

  @Test
  void paymentsQuarantinedWhileTheRegistryWasDownAreReplayedIntoSilverOnce(@TempDir Path tmp) throws Exception {
    LocalSchemaRegistry registry = LocalSchemaRegistry.start();
    int port = Integer.parseInt(registry.url().substring(registry.url().lastIndexOf(':') + 1));
    Schema writer = TestPayments.contractWithLoyaltyTier();
    int id = registry.register(writer);
    registry.close();

    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(2, TX, "raw.labels", "silver.transactions", "silver.labels", "ingest.quarantine");
      IngestHarness harness = new IngestHarness(kafka, tmp.resolve("warehouse"), registry.url());
      List<ProducerRecord<byte[], byte[]>> payments = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String eventId = "replayed-payment-" + i;
        payments.add(new ProducerRecord<>(TX, i % 2, System.currentTimeMillis(), eventId.getBytes(StandardCharsets.UTF_8),
            AvroWire.registryFramed(id, TestPayments.payment(writer, eventId))));
      }
      harness.sendEach(payments);

      // park-max 0 and retry every 1 s (shipped: 1 h and 10 s, which RetryParkedRecordsTest
      // covers): a payment gives up at its first retry, so a test-length outage outlasts it.
      JobClient job = harness.startStreaming(harness.config("replay").with("ingest.registry.park-max", "0s")
          .with("ingest.registry.retry-interval", "1s"), raw -> raw, null);
      try {
        harness.await(job, () -> harness.committed(IngestTables.QUARANTINE) >= 20, Duration.ofMinutes(2));
        assertThat(harness.table(IngestTables.QUARANTINE)).extracting(r -> r.getField("reason"))
            .containsOnly("REGISTRY_UNAVAILABLE");

        LocalSchemaRegistry back = LocalSchemaRegistry.start("127.0.0.1", port);
        try {
          assertThat(back.register(writer)).isEqualTo(id);
          Thread.sleep(SchemaRegistryClient.UNAVAILABLE_TTL_MILLIS + 200);
          var catalog = IcebergCatalogs.loader(harness.config("replay")).loadCatalog();
          for (int round = 1; round <= 2; round++) {
            QuarantineReplay.Result result = QuarantineReplay.replay(catalog, kafka.bootstrapServers(), new Properties(),
                "REGISTRY_UNAVAILABLE", Instant.EPOCH, Instant.now().plusSeconds(60));
            assertThat(result.replayed()).as(result.format()).isEqualTo(20);
            long bronzeAfter = 20L * round;
            harness.await(job, () -> harness.committed(IngestTables.bronze("transactions")) >= bronzeAfter
                && harness.committed(IngestTables.silver("transactions")) >= 20, Duration.ofMinutes(2));
          }
        } finally {
          back.close();
        }
      } finally {
        job.cancel().get();
      }
      Map<Object, Long> silverById = harness.table(IngestTables.silver("transactions")).stream()
          .collect(Collectors.groupingBy(r -> r.getField("event_id"), Collectors.counting()));
      assertThat(silverById).hasSize(20).allSatisfy((eventId, n) -> assertThat(n).as("%s in silver", eventId).isEqualTo(1));
      assertThat(harness.table(IngestTables.bronze("transactions"))).hasSize(40);
      List<Record> quarantine = harness.table(IngestTables.QUARANTINE);
      assertThat(quarantine).as("the replayed copies decoded: nothing new in quarantine").hasSize(20);
    }
  }

}
