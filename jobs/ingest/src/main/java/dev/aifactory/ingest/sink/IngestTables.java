package dev.aifactory.ingest.sink;

import dev.aifactory.common.deadletter.DeadLetterTable;
import dev.aifactory.ingest.IngestSettings;
import dev.aifactory.ingest.domain.DomainSpec;
import dev.aifactory.schemas.SchemaCatalog;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.flink.CatalogLoader;

/** The names of the ingest job's tables, and their creation ahead of the first record when needed. */
public final class IngestTables {

  public static final TableIdentifier QUARANTINE = TableIdentifier.of("ingest", "quarantine");
  public static final TableIdentifier DQ = TableIdentifier.of("ingest", "dq");

  private IngestTables() {}

  public static TableIdentifier bronze(String domain) {
    return TableIdentifier.of("bronze", domain);
  }

  public static TableIdentifier silver(String domain) {
    return TableIdentifier.of("silver", domain);
  }

  /** A table's schema and partitioning. */
  public record Layout(Schema schema, PartitionSpec spec) {}

  /** The layout of {@code bronze.<domain>} once records of {@code writer} have arrived. */
  public static Layout bronzeLayout(org.apache.avro.Schema writer) {
    RecordTables tables = RecordTables.bronze(writer);
    return new Layout(tables.schema, tables.spec);
  }

  /** The layout of {@code silver.<domain>} for a contract. */
  public static Layout silverLayout(org.apache.avro.Schema contract, String eventTimeField) {
    RecordTables tables = RecordTables.silver(contract, eventTimeField);
    return new Layout(tables.schema, tables.spec);
  }

  /**
   * Creates missing tables before the job starts: bronze with the lineage columns only (writers
   * add their own columns as they arrive), silver with the contract, quarantine (in the
   * dead-letter layout, to which an older quarantine table is moved) and dq with their fixed schemas, each with an empty first snapshot so its {@code main} branch exists. The
   * dynamic sink could create them lazily, but then every writer subtask races to create the
   * same table and branch at once (on a Hadoop catalog the loser fails with "Ref main already
   * exists"); maintenance also needs the tables before the first record.
   */
  public static void ensureExist(CatalogLoader loader, IngestSettings settings) {
    Catalog catalog = loader.loadCatalog();
    Schema lineageOnly = RecordTables.bronzeLineageOnly();
    for (DomainSpec domain : settings.domains()) {
      create(catalog, bronze(domain.name()), lineageOnly, PartitionSpec.builderFor(lineageOnly).day("_ingest_time").build());
      RecordTables silver = RecordTables.silver(SchemaCatalog.bundled().contract(domain.contract()).schema(), domain.eventTimeField());
      create(catalog, silver(domain.name()), silver.schema, silver.spec);
      renameReservedColumns(catalog.loadTable(bronze(domain.name())));
      renameReservedColumns(catalog.loadTable(silver(domain.name())));
    }
    create(catalog, QUARANTINE, DeadLetterTable.SCHEMA, DeadLetterTable.SPEC);
    DeadLetterTable.ensure(catalog, QUARANTINE);
    create(catalog, DQ, DqRows.SCHEMA, DqRows.SPEC);
  }

  /**
   * Migrates a table written before the lineage columns left Iceberg's reserved names: a schema
   * change only (the column keeps its field id, so no data file is rewritten, and readers of old
   * snapshots see the new name too). Returns whether it changed anything.
   */
  public static boolean renameReservedColumns(Table table) {
    if (table.schema().findField(Lineage.RESERVED_PARTITION) == null
        || table.schema().findField(Lineage.KAFKA_PARTITION) != null) {
      return false;
    }
    try {
      table.updateSchema().renameColumn(Lineage.RESERVED_PARTITION, Lineage.KAFKA_PARTITION).commit();
    } catch (org.apache.iceberg.exceptions.CommitFailedException raced) {
      // another job migrated it first
      table.refresh();
    }
    return true;
  }

  private static void create(Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec) {
    if (!catalog.tableExists(id)) {
      try {
        catalog.createTable(id, schema, spec);
      } catch (AlreadyExistsException raced) {
        // another job created it between the check and the create: fine
      }
    }
    Table table = catalog.loadTable(id);
    if (table.currentSnapshot() == null) {
      table.newAppend().set("factory.operation", "create").commit();
    }
  }
}
