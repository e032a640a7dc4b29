package dev.aifactory.ingest.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.JobConfig;
import dev.aifactory.ingest.IngestSettings;
import dev.aifactory.ingest.TestPayments;
import dev.aifactory.ingest.model.Accepted;
import dev.aifactory.ingest.model.Decoded;
import dev.aifactory.ingest.model.RawRecord;
import dev.aifactory.localstack.LocalSchemaRegistry;
import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.schemas.wire.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The schema registry goes down while registry-framed payments arrive, against a real registry
 * over HTTP: the decode thread does not wait on it message after message, the payments wait
 * instead of being quarantined as bad data, and once the registry is back they are decoded and
 * go on, in offset order. A payment that waits longer than park-max is quarantined.
 */
class RetryParkedRecordsTest {


  @Test
  void paymentsWaitForTheRegistryAndGoOnWhenItIsBack() throws Exception {
    LocalSchemaRegistry registry = LocalSchemaRegistry.start();
    String host = "127.0.0.1";
    int port = Integer.parseInt(registry.url().substring(registry.url().lastIndexOf(':') + 1));
    // A writer only the registry knows: v3 plus a field.
    Schema writer = TestPayments.contractWithLoyaltyTier();
    int id = registry.register(writer);
    registry.close(); // down before any lookup

    IngestSettings settings = IngestSettings.from(JobConfig.of(Map.of("ingest.domains", "transactions",
        "schema.registry.url", registry.url(), "ingest.registry.retry-interval", "10s", "ingest.registry.park-max", "1h")));
    EdgeDecoder edge = new EdgeDecoder(settings, UnregisteredMetricsGroup.createOperatorMetricGroup());
    long start = System.nanoTime();
    Decoded[] arrived = new Decoded[50];
    for (int i = 0; i < arrived.length; i++) {
      arrived[i] = edge.decode(raw(i, AvroWire.registryFramed(id, TestPayments.payment(writer, "parked-payment-" + i))));
    }
    long waitedMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(arrived).allSatisfy(d -> assertThat(d.parked).as("waits, not quarantined").isNotNull());
    assertThat(waitedMs).as("50 messages with the registry down cost one bounded lookup, not 50")
        .isLessThan(2 * SchemaRegistryClient.DECODE_TIMEOUT.toMillis() + 1_000);

    try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new RetryParkedRecords(settings)),
        (org.apache.flink.api.java.functions.KeySelector<dev.aifactory.ingest.model.Parked, String>) p -> p.partitionKey(),
        Types.STRING)) {
      harness.open();
      harness.setProcessingTime(0);
      for (int i = arrived.length - 1; i >= 0; i--) {
        harness.processElement(arrived[i].parked, 0); // out of order on purpose
      }
      harness.setProcessingTime(10_000);
      assertThat(harness.extractOutputValues()).as("still down: nothing yet").isEmpty();
      assertThat(harness.getSideOutput(RetryParkedRecords.GAVE_UP)).isNull();

      // The registry comes back on its address (its ids are assigned again in the same order).
      LocalSchemaRegistry back = LocalSchemaRegistry.start(host, port);
      try {
        assertThat(back.register(writer)).isEqualTo(id);
        Thread.sleep(SchemaRegistryClient.UNAVAILABLE_TTL_MILLIS + 200); // the client's unavailable window
        harness.setProcessingTime(20_000);
        assertThat(harness.extractOutputValues()).extracting((Accepted a) -> a.eventId)
            .containsExactlyElementsOf(java.util.stream.IntStream.range(0, arrived.length)
                .mapToObj(i -> "parked-payment-" + i).toList());
        assertThat(harness.extractOutputValues()).allSatisfy(a -> assertThat(a.passedQuality()).isTrue());
      } finally {
        back.close();
      }
    }
  }

  @Test
  void aPaymentThatWaitsLongerThanParkMaxIsQuarantinedAsRegistryUnavailable() throws Exception {
    LocalSchemaRegistry registry = LocalSchemaRegistry.start();
    String url = registry.url();
    registry.close();
    IngestSettings settings = IngestSettings.from(JobConfig.of(Map.of("ingest.domains", "transactions",
        "schema.registry.url", url, "ingest.registry.retry-interval", "10s", "ingest.registry.park-max", "0s")));
    Decoded parked = new EdgeDecoder(settings, UnregisteredMetricsGroup.createOperatorMetricGroup())
        .decode(raw(7, new byte[] {0, 0, 0, 0, 9, 2, 65}));
    try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new RetryParkedRecords(settings)),
        (org.apache.flink.api.java.functions.KeySelector<dev.aifactory.ingest.model.Parked, String>) p -> p.partitionKey(),
        Types.STRING)) {
      harness.open();
      harness.processElement(parked.parked, 0);
      harness.setProcessingTime(10_000);
      var quarantined = harness.getSideOutput(RetryParkedRecords.GAVE_UP);
      assertThat(quarantined).hasSize(1);
      assertThat(quarantined.peek().getValue().reason).isEqualTo("REGISTRY_UNAVAILABLE");
      assertThat(quarantined.peek().getValue().subject).isEqualTo("transactions");
      assertThat(quarantined.peek().getValue().offset).isEqualTo(7L);
    }
  }

  private static RawRecord raw(long offset, byte[] value) {
    String key = "parked-payment-" + offset;
    return new RawRecord("raw.transactions", 0, offset, System.currentTimeMillis(), key.getBytes(StandardCharsets.UTF_8), value);
  }

}
