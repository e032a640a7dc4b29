package dev.aifactory.benchmarks.faults;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.kafka.TopicFollower;
import dev.aifactory.ingest.sink.IngestTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * A drill's outputs counted against what the broker acknowledged:
 * <ul>
 *   <li>bronze (with decode quarantine): every offset of the raw topic, once;</li>
 *   <li>the silver table: every acknowledged event id, once;</li>
 *   <li>the silver topic: every acknowledged event id, at least once (it is at-least-once as
 *       shipped; its readers drop redeliveries by event id), redeliveries counted.</li>
 * </ul>
 */
final class ExactlyOnceCount {

  final long missingOffsets;
  final long doubledOffsets;
  final long missingInSilverTable;
  final long doubledInSilverTable;
  final long missingInSilverTopic;
  final long silverTopicRedeliveries;
  final long quarantined;

  ExactlyOnceCount(Drill drill, Set<String> acked) throws Exception {
    Catalog catalog = IcebergCatalogs.local(drill.warehouse).loadCatalog();
    Map<String, Integer> places = new HashMap<>();
    read(catalog, IngestTables.bronze("transactions"), r -> places.merge(r.getField("_kafka_partition") + "@" + r.getField("_offset"), 1, Integer::sum));
    long[] quarantine = new long[1];
    read(catalog, IngestTables.QUARANTINE, q -> {
      quarantine[0]++;
      if ("decode".equals(q.getField("stage"))) {
        places.merge(q.getField("partition") + "@" + q.getField("offset"), 1, Integer::sum);
      }
    });
    this.quarantined = quarantine[0];
    long missing = 0;
    for (Map.Entry<Integer, Long> end : endOffsets(drill.stack.bootstrapServers(), drill.rawTopic).entrySet()) {
      for (long o = 0; o < end.getValue(); o++) {
        missing += places.containsKey(end.getKey() + "@" + o) ? 0 : 1;
      }
    }
    this.missingOffsets = missing;
    this.doubledOffsets = places.values().stream().filter(n -> n > 1).count();

    Map<String, Integer> silver = new HashMap<>();
    read(catalog, IngestTables.silver("transactions"), r -> silver.merge(String.valueOf(r.getField("event_id")), 1, Integer::sum));
    this.missingInSilverTable = acked.stream().filter(id -> !silver.containsKey(id)).count();
    this.doubledInSilverTable = silver.values().stream().filter(n -> n > 1).count();

    Map<String, Integer> topic = new HashMap<>();
    TopicFollower.readToEnd(drill.stack.bootstrapServers(), new Properties(), drill.silverTopic,
        r -> topic.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum), Duration.ofMinutes(2));
    this.missingInSilverTopic = acked.stream().filter(id -> !topic.containsKey(id)).count();
    this.silverTopicRedeliveries = topic.values().stream().mapToLong(n -> n - 1).sum();
  }

  long lost() {
    return missingOffsets + Math.max(missingInSilverTable, missingInSilverTopic);
  }

  long doubled() {
    return doubledOffsets + doubledInSilverTable;
  }

  Map<String, Object> details() {
    return Map.of("raw_offsets_missing", missingOffsets, "raw_offsets_doubled", doubledOffsets,
        "silver_table_missing", missingInSilverTable, "silver_table_doubled", doubledInSilverTable,
        "silver_topic_missing", missingInSilverTopic, "silver_topic_redeliveries", silverTopicRedeliveries,
        "quarantined", quarantined);
  }

  private static void read(Catalog catalog, TableIdentifier id, Consumer<Record> each) {
    if (!catalog.tableExists(id)) {
      return;
    }
    try (CloseableIterable<Record> rows = IcebergGenerics.read(catalog.loadTable(id)).build()) {
      rows.forEach(each);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<Integer, Long> endOffsets(String bootstrap, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<Integer, Long> ends = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
      return ends;
    }
  }
}
