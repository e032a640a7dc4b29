package dev.aifactory.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.ingest.sink.IngestTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Where ingest put each raw record of a topic: its Kafka partition@offset in the domain's bronze
 * table, or in the quarantine as undecodable. The cluster tests' measure of "nothing lost,
 * nothing doubled" for ingest.
 */
final class RawRecordPlaces {

  private RawRecordPlaces() {}

  /** Every partition@offset the topic holds. */
  static Set<String> onTopic(KafkaTopics kafka, String topic) {
    Set<String> places = new HashSet<>();
    kafka.endOffsets(topic).forEach((partition, end) -> {
      for (long o = 0; o < end; o++) {
        places.add(partition + "@" + o);
      }
    });
    return places;
  }

  /** The partition@offset of each of the topic's records in bronze or the quarantine, as often as it is there. */
  static List<String> inTables(Catalog catalog, String domain, String topic) {
    List<String> places = new ArrayList<>();
    read(catalog, IngestTables.bronze(domain)).forEach(r -> places.add(r.getField("_kafka_partition") + "@" + r.getField("_offset")));
    undecodable(catalog, topic).forEach(q -> places.add(q.getField("partition") + "@" + q.getField("offset")));
    return places;
  }

  /** The topic's records the quarantine holds as undecodable (never in bronze). */
  static List<Record> undecodable(Catalog catalog, String topic) {
    return read(catalog, IngestTables.QUARANTINE).stream()
        .filter(q -> "decode".equals(q.getField("stage")) && topic.equals(q.getField("topic"))).toList();
  }

  /** Every record of every partition of the topic is in bronze or the quarantine exactly once. */
  static void assertEachOnce(KafkaTopics kafka, Catalog catalog, String domain, String topic) {
    List<String> places = inTables(catalog, domain, topic);
    assertThat(places).as("no raw record twice in bronze or the quarantine").doesNotHaveDuplicates();
    assertThat(new HashSet<>(places)).as("every raw record of every partition").isEqualTo(onTopic(kafka, topic));
  }

  /** A table's rows; none when it does not exist yet. */
  static List<Record> read(Catalog catalog, TableIdentifier id) {
    if (!catalog.tableExists(id)) {
      return List.of();
    }
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(catalog.loadTable(id)).build()) {
      records.forEach(rows::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}
