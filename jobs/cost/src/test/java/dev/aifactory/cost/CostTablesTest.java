package dev.aifactory.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.cost.sink.CostTables;
import java.nio.file.Path;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostTablesTest {

  /**
   * A utilization table created by 0.1 (without gpu_memory_used_mib_max) gains the column, in the
   * position the sink writes it (rows are written by position in the job's schema).
   */
  @Test
  void anEarlierReleasesTableGetsTheAddedColumn(@TempDir Path tmp) {
    Catalog catalog = IcebergCatalogs.local(tmp).loadCatalog();
    Schema current = CostTables.UTILIZATION_SCHEMA;
    Schema released = new Schema(current.columns().stream().filter(c -> !c.name().equals("gpu_memory_used_mib_max")).toList());
    catalog.createTable(CostTables.UTILIZATION, released, PartitionSpec.unpartitioned());

    CostTables.ensureExist(catalog);

    Types.NestedField added = catalog.loadTable(CostTables.UTILIZATION).schema().findField("gpu_memory_used_mib_max");
    assertThat(added).isNotNull();
    assertThat(added.isOptional()).isTrue();
    assertThat(catalog.loadTable(CostTables.UTILIZATION).schema().columns()).extracting(Types.NestedField::name)
        .containsExactlyElementsOf(current.columns().stream().map(Types.NestedField::name).toList());
  }
}
