package dev.aifactory.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratedMessage.Kind;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.schemas.wire.AvroWire;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest job streaming, as it runs in production (checkpoints, no restarts allowed here),
 * while one Kafka partition carries only poison: event times of {@code Long.MIN_VALUE}, zero and
 * {@code Long.MAX_VALUE}, a million-character card id, a length bomb and random bytes, between
 * good payments on the other partition. Each of these once stopped a job for good (the dq
 * windows threw on {@code Long.MIN_VALUE}; a far-future violator opened a window that never
 * fired). Here the job must keep running, land every good payment in silver, and count every
 * violation in {@code ingest.dq}.
 */
class IngestStreamingHostileInputTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  private static final String TX = "raw.transactions";

  @Test
  void poisonOnOnePartitionStopsNothingAndEveryViolationReachesTheDqTable(@TempDir Path tmp) throws Exception {
    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(2, TX, "raw.labels", "silver.transactions", "silver.labels", "ingest.quarantine");
      IngestHarness harness = new IngestHarness(kafka, tmp.resolve("warehouse"), null);
      List<GeneratedMessage> payments = new PaymentsGenerator(GeneratorSettings.defaults().withSeed(11)
          .withRates(0, 0, 0), TX, null).take(600);
      long good = payments.stream().filter(m -> m.kind() == Kind.TRANSACTION || m.kind() == Kind.LATE).count();

      harness.sendAll(payments.subList(0, 300));
      List<ProducerRecord<byte[], byte[]>> poison = poison();
      harness.sendEach(poison);
      harness.sendAll(payments.subList(300, payments.size()));

      // The shipped dq window is a minute (covered by IngestEndToEndTest, bounded); a few seconds
      // here so that windows close while the test waits.
      JobClient job = harness.startStreaming(harness.config("hostile").with("ingest.dq.window", "2s"), raw -> raw, null);
      try {
        harness.await(job, () -> harness.committed(IngestTables.silver("transactions")) >= good
            && harness.committed(IngestTables.QUARANTINE) >= poison.size()
            && violations().apply(harness).getOrDefault("event_time_after_2000", 0L) >= 2
            && violations().apply(harness).getOrDefault("event_time_not_future", 0L) >= 1, Duration.ofMinutes(2));
      } finally {
        job.cancel().get();
      }
      assertThat(harness.table(IngestTables.silver("transactions"))).hasSize((int) good);
      Map<String, Long> reasons = new HashMap<>();
      harness.table(IngestTables.QUARANTINE).forEach(q -> reasons.merge((String) q.getField("reason"), 1L, Long::sum));
      assertThat(reasons).containsEntry("event_time_after_2000", 2L).containsEntry("event_time_not_future", 1L)
          .containsEntry("PAYLOAD_TOO_LARGE", 1L).containsEntry("LENGTH_LIMIT_EXCEEDED", 1L)
          .containsEntry("UNKNOWN_WIRE_FORMAT", 1L);
      assertThat(violations().apply(harness)).containsEntry("event_time_after_2000", 2L)
          .containsEntry("event_time_not_future", 1L);
    }
  }

  private static java.util.function.Function<IngestHarness, Map<String, Long>> violations() {
    return harness -> {
      Map<String, Long> byRule = new HashMap<>();
      for (Record r : harness.table(IngestTables.DQ)) {
        if ("transactions".equals(r.getField("domain"))) {
          byRule.merge((String) r.getField("rule"), (Long) r.getField("violations"), Long::sum);
        }
      }
      return byRule;
    };
  }

  /** Records that each once stopped a job, all on partition 1. */
  private static List<ProducerRecord<byte[], byte[]>> poison() {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    long[] times = {Long.MIN_VALUE, 0L, Long.MAX_VALUE};
    for (int i = 0; i < times.length; i++) {
      GenericRecord r = TestPayments.payment(TestPayments.CONTRACT, "poison-time-" + i);
      r.put("event_time", times[i]);
      out.add(record(r.get("event_id").toString(), AvroWire.singleObject(r)));
    }
    GenericRecord million = TestPayments.payment(TestPayments.CONTRACT, "poison-million");
    million.put("card_id", "c".repeat(1_000_000));
    out.add(record("poison-million", AvroWire.singleObject(million)));
    byte[] bomb = AvroWire.singleObject(TestPayments.payment(TestPayments.CONTRACT, "poison-bomb-1"));
    byte[] header = java.util.Arrays.copyOf(bomb, 10);
    out.add(record("poison-bomb-1", concat(header, new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 65})));
    byte[] random = new byte[64];
    new Random(3).nextBytes(random);
    random[0] = 0x7E;
    out.add(record("poison-random", random));
    return out;
  }

  private static ProducerRecord<byte[], byte[]> record(String key, byte[] value) {
    return new ProducerRecord<>(TX, 1, System.currentTimeMillis(), key.getBytes(StandardCharsets.UTF_8), value);
  }


  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
