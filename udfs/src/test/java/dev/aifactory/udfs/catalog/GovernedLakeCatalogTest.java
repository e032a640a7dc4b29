package dev.aifactory.udfs.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.IcebergCatalogs;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a SQL Gateway session reaches through the governed lake catalog, as deploy/sql registers
 * it (role sql_consumer, the bundled policy): tokens in silver and gold, why records were
 * quarantined but not the messages, nothing of bronze, and no writes.
 */
class GovernedLakeCatalogTest {

  @TempDir
  static Path warehouse;

  @BeforeAll
  static void tables() {
    Catalog catalog = IcebergCatalogs.local(warehouse).loadCatalog();
    Schema tx = new Schema(Types.NestedField.required(1, "event_id", Types.StringType.get()),
        Types.NestedField.required(2, "card_id", Types.StringType.get()), Types.NestedField.required(3, "amount", Types.DoubleType.get()));
    IcebergAppends.append(catalog.createTable(TableIdentifier.of("bronze", "transactions"), tx), List.of(row(tx, "e1", "card-000042", 9.5)));
    IcebergAppends.append(catalog.createTable(TableIdentifier.of("silver", "transactions"), tx), List.of(row(tx, "e1", "t.k1.abc", 9.5)));
    Schema q = new Schema(Types.NestedField.required(1, "reason", Types.StringType.get()),
        Types.NestedField.optional(2, "payload", Types.BinaryType.get()));
    IcebergAppends.append(catalog.createTable(TableIdentifier.of("ingest", "quarantine"), q),
        List.of(row(q, "card_id_format", ByteBuffer.wrap("{\"card_id\":\"card-000042\"}".getBytes()))));
  }

  @Test
  void silverAndGoldAreReadWithTheirTokens() throws Exception {
    assertThat(ViewCatalogTest.rows(session(), "SELECT card_id, amount FROM lake.silver.transactions"))
        .extracting(r -> r.getField(0)).containsExactly("t.k1.abc");
  }

  @Test
  void bronzeIsNeitherListedNorReadable() {
    TableEnvironment env = session();
    assertThat(env.executeSql("SHOW TABLES IN lake.bronze").collect()).toIterable().isEmpty();
    assertThatThrownBy(() -> ViewCatalogTest.rows(env, "SELECT amount FROM lake.bronze.transactions"))
        .hasStackTraceContaining("not readable by role 'sql_consumer'")
        .hasStackTraceContaining("rule 'restricted-zones-are-for-ingest-and-privacy'");
  }

  @Test
  void quarantineShowsWhyButNotTheMessage() throws Exception {
    TableEnvironment env = session();
    assertThat(ViewCatalogTest.rows(env, "SELECT reason FROM lake.ingest.quarantine")).extracting(r -> r.getField(0)).containsExactly("card_id_format");
    assertThatThrownBy(() -> ViewCatalogTest.rows(env, "SELECT payload FROM lake.ingest.quarantine")).hasStackTraceContaining("payload");
    assertThat(env.from("lake.ingest.quarantine").getResolvedSchema().getColumnNames()).containsExactly("reason");
  }

  @Test
  void sessionsCannotWrite() {
    TableEnvironment env = session();
    assertThatThrownBy(() -> env.executeSql("CREATE TABLE lake.gold.mine (a INT)")).hasStackTraceContaining("read only");
    assertThatThrownBy(() -> env.executeSql("INSERT INTO lake.silver.transactions VALUES ('e9', 'x', 1.0)").await())
        .hasStackTraceContaining("read only");
    assertThatThrownBy(() -> env.executeSql("DROP TABLE lake.silver.transactions")).hasStackTraceContaining("read only");
  }

  private static TableEnvironment session() {
    TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
    env.executeSql("CREATE CATALOG lake WITH ('type' = 'factory-lake', 'catalog-type' = 'hadoop', 'warehouse' = '"
        + warehouse.toUri() + "', 'role' = 'sql_consumer')");
    return env;
  }

  private static Record row(Schema schema, Object... values) {
    GenericRecord r = GenericRecord.create(schema);
    for (int i = 0; i < values.length; i++) {
      r.set(i, values[i]);
    }
    return r;
  }
}
