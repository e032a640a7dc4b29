package dev.aifactory.common.lineage;

import java.net.URI;
import java.nio.file.Path;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * A dataset a run reads or writes, as the factory names it: a Kafka topic, an Iceberg table
 * ({@code zone.table}) or a file (a model, by its URI). {@link RunLineage} turns it into an
 * OpenLineage dataset with its namespace and, for a table, its schema and snapshot.
 */
public record LineageDataset(Kind kind, String name) {

  /** What kind of store holds the dataset; it decides the OpenLineage namespace. */
  public enum Kind { KAFKA_TOPIC, ICEBERG_TABLE, FILE }

  public static LineageDataset topic(String topic) {
    return new LineageDataset(Kind.KAFKA_TOPIC, topic);
  }

  public static LineageDataset table(TableIdentifier table) {
    return new LineageDataset(Kind.ICEBERG_TABLE, table.toString());
  }

  public static LineageDataset table(String zoneDotTable) {
    return table(TableIdentifier.parse(zoneDotTable));
  }

  /** A file by its URI ({@code file:/...}, {@code s3://bucket/key}), such as a model's in the registry. */
  public static LineageDataset file(String uri) {
    return new LineageDataset(Kind.FILE, URI.create(uri).normalize().toString());
  }

  public static LineageDataset file(Path file) {
    return file(file.toAbsolutePath().toUri().toString());
  }
}
