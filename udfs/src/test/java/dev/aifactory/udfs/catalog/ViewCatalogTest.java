package dev.aifactory.udfs.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.exceptions.CatalogException;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /**
   * Names become folders and files on the gateway host. Before this was checked, {@code CREATE
   * DATABASE factory.`../..`} then {@code DROP DATABASE ... CASCADE} deleted folders outside the
   * catalog. Every such name is refused, through SQL and through the catalog API, and nothing
   * outside the catalog folder is touched.
   */
  @ParameterizedTest
  @ValueSource(strings = {"..", "../..", "../outside", "/tmp", "/etc/passwd", "a/b", "a\\b", ".", ".hidden", "x\u0000y", "name with space", "café", "1starts_with_digit"})
  void namesThatCouldLeaveTheFolderAreRefused(String name, @TempDir Path root) throws Exception {
    Path folder = Files.createDirectories(root.resolve("catalog"));
    Path bystander = Files.writeString(Files.createDirectories(root.resolve("outside")).resolve("keep.txt"), "x");
    TableEnvironment env = session(folder);
    String quoted = "`" + name.replace("`", "``") + "`";

    assertThatThrownBy(() -> env.executeSql("CREATE DATABASE factory." + quoted)).hasStackTraceContaining("is refused");
    assertThatThrownBy(() -> env.executeSql("CREATE VIEW factory.`default`." + quoted + " AS SELECT 1 AS x"))
        .hasStackTraceContaining("is refused");
    assertThatThrownBy(() -> env.executeSql("DROP DATABASE IF EXISTS factory." + quoted + " CASCADE"))
        .hasStackTraceContaining("is refused");
    ViewCatalog catalog = new ViewCatalog("direct", "default", folder);
    catalog.open();
    assertThatThrownBy(() -> catalog.dropDatabase(name, true, true)).isInstanceOf(CatalogException.class).hasMessageContaining("is refused");
    assertThatThrownBy(() -> catalog.dropTable(new ObjectPath("default", name), true)).isInstanceOf(CatalogException.class);

    assertThat(bystander).hasContent("x");
    try (var left = Files.list(folder)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("default");
    }
  }

  @Test
  void emptyNamesAreRefusedByTheCatalogItself(@TempDir Path folder) {
    // SQL cannot even spell an empty name; the API can.
    assertThatThrownBy(() -> new ViewCatalog("c", "", folder)).hasMessageContaining("is refused");
    ViewCatalog catalog = new ViewCatalog("c", "default", folder);
    catalog.open();
    assertThatThrownBy(() -> catalog.dropDatabase("", true, true)).hasMessageContaining("is refused");
  }

  @Test
  void aFolderPlantedWithAnOddNameIsNotLoaded(@TempDir Path folder) throws Exception {
    Files.createDirectories(folder.resolve("odd name"));
    Files.createDirectories(folder.resolve("features"));
    Files.writeString(folder.resolve("features").resolve("..json"), "{}");
    TableEnvironment env = session(folder);
    assertThat(rows(env, "SHOW DATABASES IN factory")).extracting(r -> r.getField(0)).containsExactlyInAnyOrder("default", "features");
    assertThat(rows(env, "SHOW VIEWS IN factory.features")).isEmpty();
  }

  private static TableEnvironment session(Path folder) {
    TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
    env.executeSql("CREATE CATALOG factory WITH ('type' = 'factory-views', 'path' = '" + folder + "')");
    return env;
  }

  static List<Row> rows(TableEnvironment env, String sql) throws Exception {
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
