package dev.aifactory.udfs.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Views created through SQL in one session are there, with their types, for the next one. */
class ViewCatalogTest {

  @Test
  void viewsSurviveTheSessionThatCreatedThem(@TempDir Path folder) throws Exception {
    TableEnvironment first = session(folder);
    first.executeSql("CREATE DATABASE factory.features");
    first.executeSql("CREATE VIEW factory.features.cards COMMENT 'masked' AS "
        + "SELECT SHA2(card, 256) AS card_ref, CAST(amount AS DECIMAL(10, 2)) AS amount, seen "
        + "FROM (VALUES ('tok-1', 12.5, TIMESTAMP '2026-01-01 00:00:00'), ('tok-2', 3.0, TIMESTAMP '2026-01-02 00:00:00')) "
        + "AS t(card, amount, seen)");
    first.executeSql("CREATE VIEW factory.features.dropped AS SELECT 1 AS x");
    first.executeSql("DROP VIEW factory.features.dropped");

    TableEnvironment next = session(folder);
    assertThat(rows(next, "SHOW VIEWS IN factory.features")).extracting(r -> r.getField(0)).containsExactly("cards");
    assertThat(next.from("factory.features.cards").getResolvedSchema().toString())
        .contains("`card_ref` VARCHAR(128)", "`amount` DECIMAL(10, 2)", "`seen` TIMESTAMP(0)");
    assertThat(rows(next, "SELECT card_ref FROM factory.features.cards ORDER BY seen"))
        .extracting(r -> r.getField(0))
        .containsExactly(sha("tok-1"), sha("tok-2"));
  }

  @Test
  void tablesBelongInTheIcebergCatalog(@TempDir Path folder) {
    TableEnvironment env = session(folder);
    assertThatThrownBy(() -> env.executeSql("CREATE TABLE factory.`default`.t (x INT) WITH ('connector' = 'datagen')"))
        .hasStackTraceContaining("holds views only");
  }

  private static TableEnvironment session(Path folder) {
    TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
    env.executeSql("CREATE CATALOG factory WITH ('type' = 'factory-views', 'path' = '" + folder + "')");
    return env;
  }

  private static List<Row> rows(TableEnvironment env, String sql) throws Exception {
    List<Row> out = new ArrayList<>();
    try (CloseableIterator<Row> it = env.executeSql(sql).collect()) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  private static String sha(String value) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
