package dev.aifactory.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.launcher.inventory.DatasetInventory;
import dev.aifactory.launcher.inventory.InventoryFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed inventory is what the code creates today, and a live inventory reads a real warehouse. */
class InventoryTest {

  /** Tests run in deploy/launcher; the committed inventory is at the repository's deploy/governance. */
  private static final Path COMMITTED = Path.of("..", "governance");

  /**
   * The build's staleness check: a table, a column, a classification, an owner or a retention
   * changed in code without regenerating the inventory fails here.
   */
  @Test
  void theCommittedInventoryIsUpToDate() throws Exception {
    Map<String, String> generated = InventoryCommand.bundledFiles();
    for (var file : generated.entrySet()) {
      Path committed = COMMITTED.resolve(file.getKey());
      assertThat(Files.exists(committed) ? Files.readString(committed) : "")
          .as("deploy/governance/%s is stale: run ./factory inventory --bundled, review and commit", file.getKey())
          .isEqualTo(file.getValue());
    }
  }

  @Test
  void theBundledInventoryClassifiesEveryZone() throws Exception {
    String md = InventoryCommand.bundledFiles().get("inventory.md");
    assertThat(md).contains("| `bronze.transactions` | bronze | data-platform | 90d | none; columns follow each writer's schema")
        .contains("| `silver.transactions` | silver | payments | 400d | ")
        .contains("`card_id` pci (tokenize)", "`ip_address` pii (ip-prefix:24/48)", "`geo_lat` quasi_identifier (round:2)")
        .contains("| `gold.features_card_id_history` | gold | ml-platform | 400d | `entity` pci (tokenize)")
        .contains("| `gold.predictions` | gold | fraud-ml | 400d | `entity_id` pci (tokenize)")
        .contains("| `ingest.quarantine` | quarantine | data-platform | 30d | ")
        .contains("`payload` pci+pii+quasi_identifier (raw message)")
        .doesNotContain("Undeclared");
  }

  @Test
  void aLiveInventoryCountsRowsAndListsUndeclaredTables(@TempDir Path warehouse) throws Exception {
    Catalog catalog = IcebergCatalogs.local(warehouse).loadCatalog();
    Schema schema = new Schema(Types.NestedField.required(1, "card_id", Types.StringType.get()));
    var silver = catalog.createTable(TableIdentifier.of("silver", "transactions"), schema);
    catalog.createTable(TableIdentifier.of("bronze", "transactions"), schema);
    GenericRecord r = GenericRecord.create(schema);
    r.setField("card_id", "t.k1.x");
    IcebergAppends.append(silver, List.of(r, r.copy()));
    catalog.createTable(TableIdentifier.of("scratch", "mine"), schema);

    var datasets = DatasetInventory.of(catalog, true);
    String md = InventoryFormat.markdown(datasets, "t");
    assertThat(md).contains("| `silver.transactions` | silver | payments | 400d | `card_id` pci (tokenize) | 2 | 20")
        .contains("| `bronze.transactions` | bronze | data-platform | 90d | `card_id` pci (raw). columns follow")
        .contains("Undeclared (no entry in governance/datasets.yaml): `scratch.mine`");
    assertThat(InventoryFormat.json(datasets)).contains("\"rows\" : 2", "\"recentSnapshots\"");
  }
}
