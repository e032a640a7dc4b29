package dev.aifactory.ingest.replay;

import dev.aifactory.ingest.sink.IngestTables;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Re-ingests quarantined messages once the cause is fixed (the registry is back, a contract or
 * rule was corrected): each message of {@code ingest.quarantine} with the given reason, quarantined
 * in {@code [from, to)}, is sent again to its source topic and partition with its key and
 * original timestamp, and the running ingest job takes it from there.
 *
 * <p>Replaying is safe to repeat: silver deduplicates by event id, so a message replayed twice,
 * or one that had reached silver by another path, is there once. Where quarantine kept only the
 * first bytes of a message, the whole one is read back from the source topic at its coordinates
 * and checked against its SHA-256; if the topic no longer holds it, it is reported, not guessed.
 */
public final class QuarantineReplay {

  /** What a replay did. */
  public record Result(int replayed, int fromSourceTopic, List<String> notReplayable) {
    public String format() {
      return "replayed " + replayed + " message(s) (" + fromSourceTopic + " read back whole from the source topic); "
          + notReplayable.size() + " not replayable" + (notReplayable.isEmpty() ? "" : ": " + String.join(", ", notReplayable));
    }
  }

  private QuarantineReplay() {}

  public static Result replay(Catalog catalog, String bootstrap, Properties producerProperties, String reason, Instant from,
      Instant to) throws Exception {
    Table quarantine = catalog.loadTable(IngestTables.QUARANTINE);
    quarantine.refresh();
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> found = IcebergGenerics.read(quarantine)
        .where(Expressions.and(Expressions.equal("reason", reason),
            Expressions.greaterThanOrEqual("recorded_at", from.toEpochMilli() * 1000),
            Expressions.lessThan("recorded_at", to.toEpochMilli() * 1000)))
        .build()) {
      found.forEach(r -> rows.add(r.copy()));
    }
    Properties p = new Properties();
    p.putAll(producerProperties);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    int replayed = 0;
    int fromSource = 0;
    List<String> notReplayable = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (Record row : rows) {
        String topic = (String) row.getField("topic");
        int partition = (Integer) row.getField("partition");
        long offset = (Long) row.getField("offset");
        byte[] payload = bytes(row.getField("payload"));
        Integer length = (Integer) row.getField("original_length");
        if (length != null && payload.length != length) {
          payload = readBack(bootstrap, topic, partition, offset, (String) row.getField("original_sha256"));
          if (payload == null) {
            notReplayable.add(topic + "/" + partition + "@" + offset);
            continue;
          }
          fromSource++;
        }
        java.time.OffsetDateTime ts = (java.time.OffsetDateTime) row.getField("kafka_timestamp");
        producer.send(new ProducerRecord<>(topic, partition, ts == null ? null : ts.toInstant().toEpochMilli(),
            bytes(row.getField("key")), payload));
        replayed++;
      }
      producer.flush();
    }
    return new Result(replayed, fromSource, notReplayable);
  }

  /** The whole message at its coordinates, if the topic still holds it and it matches the digest. */
  private static byte[] readBack(String bootstrap, String topic, int partition, long offset, String sha256) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, partition);
      consumer.assign(List.of(tp));
      if (consumer.beginningOffsets(List.of(tp)).get(tp) > offset) {
        return null; // deleted by retention
      }
      consumer.seek(tp, offset);
      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() == offset) {
            byte[] value = r.value() == null ? new byte[0] : r.value();
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
            return digest.equals(sha256) ? value : null;
          }
          if (r.offset() > offset) {
            return null;
          }
        }
      }
      return null;
    }
  }

  private static byte[] bytes(Object field) {
    if (field == null) {
      return null;
    }
    ByteBuffer b = ((ByteBuffer) field).duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
