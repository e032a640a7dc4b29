package dev.aifactory.ingest.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.JobConfig;
import dev.aifactory.ingest.IngestSettings;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bronze and silver tables written before the Kafka partition column was renamed carry
 * {@code _partition}, a name Iceberg reserves (Spark refuses {@code SELECT *} on them). Starting
 * the job migrates them by a rename: same field id, no data rewritten.
 */
class ReservedColumnMigrationTest {

  @Test
  void anOldBronzeTableIsRenamedInPlaceWhenTheJobStarts(@TempDir Path warehouse) {
    CatalogLoader loader = CatalogLoader.hadoop("test", new Configuration(), Map.of("warehouse", warehouse.toString()));
    HadoopCatalog catalog = (HadoopCatalog) loader.loadCatalog();
    catalog.createNamespace(Namespace.of("bronze"));
    Schema old = new Schema(
        Types.NestedField.required(1, "_topic", Types.StringType.get()),
        Types.NestedField.required(2, "_partition", Types.IntegerType.get()),
        Types.NestedField.required(3, "_offset", Types.LongType.get()));
    Table table = catalog.createTable(IngestTables.bronze("transactions"), old, PartitionSpec.unpartitioned());
    table.newAppend().commit();
    long snapshot = table.currentSnapshot().snapshotId();

    IngestTables.ensureExist(loader, IngestSettings.from(JobConfig.of(Map.of("ingest.domains", "transactions"))));

    Table migrated = catalog.loadTable(IngestTables.bronze("transactions"));
    assertThat(migrated.schema().findField("_partition")).isNull();
    assertThat(migrated.schema().findField("_kafka_partition").fieldId()).isEqualTo(2);
    assertThat(migrated.currentSnapshot().snapshotId()).as("a schema change, no data rewritten").isEqualTo(snapshot);
    assertThat(IngestTables.renameReservedColumns(migrated)).as("idempotent").isFalse();
    assertThat(catalog.loadTable(IngestTables.silver("transactions")).schema().findField("_kafka_partition")).isNotNull();
  }
}
