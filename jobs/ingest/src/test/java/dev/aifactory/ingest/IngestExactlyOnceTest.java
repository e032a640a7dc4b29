package dev.aifactory.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.ingest.model.RawRecord;
import dev.aifactory.ingest.sink.BronzeRows;
import dev.aifactory.ingest.sink.QuarantineRows;
import dev.aifactory.ingest.sink.SilverRows;
import dev.aifactory.localstack.LocalKafka;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the job mid-stream (a task throws after some checkpoints have committed) and lets Flink
 * restore from the last checkpoint: every Kafka offset must still be in bronze or quarantine
 * exactly once, and every event id in silver exactly once.
 */
class IngestExactlyOnceTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  static final AtomicBoolean FAILED = new AtomicBoolean();
  static final AtomicLong SEEN = new AtomicLong();

  /** Slows the stream so checkpoints complete, then fails once, after {@code failAfter} records. */
  static final class FailOnce implements MapFunction<RawRecord, RawRecord> {
    private final long failAfter;

    FailOnce(long failAfter) {
      this.failAfter = failAfter;
    }

    @Override
    public RawRecord map(RawRecord value) throws Exception {
      Thread.sleep(1);
      if (SEEN.incrementAndGet() >= failAfter && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure after " + failAfter + " records");
      }
      return value;
    }
  }

  @Test
  void aFailureMidStreamLosesAndDuplicatesNothing(@TempDir Path tmp) throws Exception {
    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(2, "raw.transactions", "raw.labels", "silver.transactions", "silver.labels", "ingest.quarantine");
      IngestHarness harness = new IngestHarness(kafka, tmp.resolve("warehouse"), null);
      List<GeneratedMessage> messages = new PaymentsGenerator(GeneratorSettings.defaults().withSeed(7), "raw.transactions", null)
          .take(4_000);
      try (KafkaProducer<byte[], byte[]> producer = harness.producer()) {
        messages.forEach(m -> producer.send(new ProducerRecord<>(m.topic(), null, m.timestamp(), m.key(), m.value())));
        producer.flush();
      }

      harness.run(harness.config("exactly-once"), 3, raw -> raw.map(new FailOnce(2_500)).uid("fail-once"));
      assertThat(FAILED).as("the failure was injected").isTrue();

      List<Record> bronze = harness.table(BronzeRows.table("transactions"));
      List<Record> undecodable = harness.table(QuarantineRows.TABLE).stream()
          .filter(q -> q.getField("stage").equals("decode")).toList();
      Map<String, Long> perOffset = new HashMap<>();
      bronze.forEach(r -> perOffset.merge(r.getField("_partition") + "@" + r.getField("_offset"), 1L, Long::sum));
      undecodable.forEach(q -> perOffset.merge(q.getField("partition") + "@" + q.getField("offset"), 1L, Long::sum));
      assertThat(perOffset).hasSize(messages.size());
      assertThat(perOffset.values().stream().filter(n -> n > 1).count()).as("offsets written twice").isZero();
      for (int p = 0; p < 2; p++) {
        final int partition = p;
        long inPartition = perOffset.keySet().stream().filter(k -> k.startsWith(partition + "@")).count();
        assertThat(inPartition).as("partition %d has rows", partition).isPositive();
      }

      List<Record> silver = harness.table(SilverRows.table("transactions"));
      Map<Object, Long> perId = silver.stream().collect(Collectors.groupingBy(r -> r.getField("event_id"), Collectors.counting()));
      assertThat(perId.values().stream().filter(n -> n > 1).count()).as("event ids in silver twice").isZero();
      long goodIds = messages.stream().filter(m -> m.kind() == GeneratedMessage.Kind.TRANSACTION
          || m.kind() == GeneratedMessage.Kind.LATE).count();
      assertThat(silver).hasSize((int) goodIds);
    }
  }
}
