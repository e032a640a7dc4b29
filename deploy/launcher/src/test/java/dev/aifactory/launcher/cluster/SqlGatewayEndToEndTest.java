package dev.aifactory.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.ingest.sink.IngestTables;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.sink.FeatureTables;
import dev.aifactory.scoring.sink.PredictionTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SQL Gateway as downstream users meet it: started by deploy/local/sql-gateway.sh in front
 * of a session cluster, catalogs and views from deploy/sql, queried through the REST API and the
 * Flink JDBC driver. The gold tables hold a known history (revisions, tombstones), so every
 * answer is checked against what it must be, and no raw card token may appear in any view.
 */
class SqlGatewayEndToEndTest {

  static final Instant T0 = Instant.parse("2026-01-01T08:00:00Z");
  static final int CARDS = 12;
  static final int VECTORS = 6;
  static final Duration EVERY = Duration.ofMinutes(5);

  static LocalStack stack;
  static final List<String> cards = new ArrayList<>();

  @BeforeAll
  static void startTheGatewayOverKnownTables() throws Exception {
    Path repository = Path.of("../..").toAbsolutePath().normalize();
    Path dir = repository.resolve("deploy/launcher/target/sql-gateway-test");
    org.apache.commons.io.FileUtils.deleteDirectory(dir.toFile());
    stack = new LocalStack(repository, dir, 1, 2, "10 s");
    stack.startFlink();
    Catalog catalog = IcebergCatalogs.local(stack.warehouse()).loadCatalog();
    writeHistory(catalog);
    writePredictions(catalog);
    // No cost job has run: the gateway creates its tables (factory tables) before the views over
    // them, so factory.cost.* exist on a fresh stack (noViewShowsACardToken lists them).
    stack.startGateway();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theLatestVectorPerCardThroughTheRestApi() throws Exception {
    try (SqlGatewayClient session = new SqlGatewayClient(stack.gatewayUrl(), Map.of("table.local-time-zone", "UTC"))) {
      SqlGatewayClient.Result result = session.execute(
          "SELECT card_ref, DATE_FORMAT(valid_from, 'yyyy-MM-dd HH:mm:ss') AS vf, tx_count_1h "
              + "FROM factory.features.card_features_latest", Duration.ofMinutes(3));
      Map<String, String> got = new TreeMap<>();
      for (List<JsonNode> row : result.rows()) {
        got.put(row.get(0).asText(), row.get(1).asText() + " " + row.get(2).asLong());
      }
      Map<String, String> expected = new TreeMap<>();
      for (int c = 0; c < CARDS; c++) {
        if (!tombstoned(c)) {
          expected.put(sha256(cards.get(c)), format(validFrom(VECTORS - 1)) + " " + txCount(c, VECTORS - 1, true));
        }
      }
      assertThat(got).isEqualTo(expected);
    }
  }

  /**
   * One card's latest vector through JDBC, by the filter the view's comment gives: the answer is
   * that card's row alone, and the plan shows the filter pushed into the Iceberg scan of the
   * latest table (a scan of the files whose entity_ref range holds it, not of every row).
   */
  @Test
  void oneCardsLatestVectorIsAFilteredScanOfTheLatestTable() throws Exception {
    String card = cards.get(4);
    String query = "SELECT card_ref, tx_count_1h FROM factory.features.card_features_latest WHERE card_ref = SHA2('" + card + "', 256)";
    try (Connection jdbc = DriverManager.getConnection(jdbcUrl()); Statement st = jdbc.createStatement()) {
      try (ResultSet rs = st.executeQuery(query)) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo(sha256(card));
        assertThat(rs.getLong(2)).isEqualTo(txCount(4, VECTORS - 1, true));
        assertThat(rs.next()).isFalse();
      }
      StringBuilder plan = new StringBuilder();
      st.execute("EXPLAIN " + query); // not a query to the driver, as SHOW
      try (ResultSet rs = st.getResultSet()) {
        while (rs.next()) {
          plan.append(rs.getString(1));
        }
      }
      assertThat(plan.toString()).contains("features_card_id_latest").containsPattern("filter=\\[.*entity_ref");
    }
  }

  @Test
  void featuresAsOfATimestampThroughJdbc() throws Exception {
    Instant asOf = T0.plus(EVERY.multipliedBy(2)).plusSeconds(90); // between vectors 2 and 3
    Map<String, Long> got = new TreeMap<>();
    try (Connection jdbc = DriverManager.getConnection(jdbcUrl()); Statement st = jdbc.createStatement()) {
      st.execute("SET 'table.local-time-zone' = 'UTC'");
      try (ResultSet rs = st.executeQuery("SELECT card_ref, tx_count_1h FROM factory.features.card_features_validity "
          + "WHERE valid_from <= TIMESTAMP '" + format(asOf) + "' "
          + "AND (valid_to IS NULL OR valid_to > TIMESTAMP '" + format(asOf) + "')")) {
        while (rs.next()) {
          got.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    Map<String, Long> expected = new TreeMap<>();
    for (int c = 0; c < CARDS; c++) {
      expected.put(sha256(cards.get(c)), (long) txCount(c, 2, true)); // the revised vector 2, not the first emission
    }
    assertThat(got).isEqualTo(expected);
  }

  @Test
  void noViewShowsACardToken() throws Exception {
    List<String> views = new ArrayList<>();
    try (Connection jdbc = DriverManager.getConnection(jdbcUrl()); Statement st = jdbc.createStatement()) {
      for (String db : List.of("features", "scoring", "cost", "ops")) {
        st.execute("SHOW VIEWS IN factory." + db); // not a query to the driver: executeQuery refuses SHOW
        try (ResultSet rs = st.getResultSet()) {
          while (rs.next()) {
            views.add("factory." + db + "." + rs.getString(1));
          }
        }
      }
      assertThat(views).contains("factory.features.card_features_latest", "factory.features.card_features_validity",
          "factory.features.card_features_history", "factory.scoring.predictions", "factory.scoring.decisions_daily",
          "factory.cost.focus", "factory.cost.unit_economics", "factory.ops.dead_letters");
      int cells = 0;
      for (String view : views) {
        try (ResultSet rs = st.executeQuery("SELECT * FROM " + view)) {
          ResultSetMetaData meta = rs.getMetaData();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            assertThat(meta.getColumnName(i)).as(view).isNotIn("entity", "entity_id", "card_id");
          }
          while (rs.next()) {
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              String value = String.valueOf(rs.getObject(i));
              cells++;
              for (String card : cards) {
                assertThat(value).as(view + "." + meta.getColumnName(i)).doesNotContain(card);
              }
            }
          }
        }
      }
      assertThat(cells).as("the views returned rows to check").isGreaterThan(500);
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT card_ref) FROM factory.scoring.predictions")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(CARDS * 2L);
        assertThat(rs.getLong(2)).isEqualTo(CARDS);
      }
    }
  }

  /**
   * The gateway registers no raw catalog: its `iceberg` is the governed one (deploy/sql), so a
   * session reaches neither bronze nor the raw messages in quarantine through it.
   */
  @Test
  void gatewaySessionsCannotReachRawData() throws Exception {
    Catalog catalog = IcebergCatalogs.local(stack.warehouse()).loadCatalog();
    assertThat(catalog.tableExists(IngestTables.bronze("transactions"))).as("the raw table exists").isTrue();
    try (Connection jdbc = DriverManager.getConnection(jdbcUrl()); Statement st = jdbc.createStatement()) {
      assertThatThrownBy(() -> st.executeQuery("SELECT * FROM iceberg.bronze.transactions"))
          .hasStackTraceContaining("is not readable by role 'sql_consumer'").hasStackTraceContaining("denied by policy v");
      assertThatThrownBy(() -> st.executeQuery("SELECT payload FROM iceberg.ingest.quarantine")).hasStackTraceContaining("payload");
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM iceberg.ingest.quarantine")) {
        rs.next();
      }
    }
  }

  /**
   * Nor through a catalog, table, function or jar of its own: the consumers' endpoint runs
   * queries only, and refuses the rest naming the policy rule, however the statement is dressed.
   * Administrators applied deploy/sql through the plain endpoint, which consumers do not reach.
   */
  @Test
  void gatewaySessionsCannotDefineTheirOwnWayToRawData() throws Exception {
    String warehouse = stack.warehouse().toUri().toString();
    List<String> statements = List.of(
        "CREATE CATALOG raw WITH ('type' = 'iceberg', 'catalog-type' = 'hadoop', 'warehouse' = '" + warehouse + "')",
        "/* a comment first */ create catalog raw with ('type' = 'iceberg', 'catalog-type' = 'hadoop', 'warehouse' = '" + warehouse + "')",
        "CREATE TEMPORARY TABLE raw_files (b BYTES) WITH ('connector' = 'filesystem', 'path' = '" + warehouse + "/bronze', 'format' = 'raw')",
        "CREATE TABLE default_catalog.default_database.raw_files (b BYTES) WITH ('connector' = 'filesystem', 'path' = '"
            + warehouse + "/bronze', 'format' = 'raw')",
        "ADD JAR 'file:///tmp/reader.jar'",
        "SET 'pipeline.jars' = 'file:///tmp/reader.jar'",
        "INSERT INTO iceberg.gold.predictions SELECT * FROM iceberg.gold.predictions");
    try (Connection jdbc = DriverManager.getConnection(jdbcUrl()); Statement st = jdbc.createStatement()) {
      for (String statement : statements) {
        assertThatThrownBy(() -> st.execute(statement)).as(statement)
            .hasStackTraceContaining("refused").hasStackTraceContaining("restricted-zones-are-for-ingest-and-privacy");
      }
      st.execute("SHOW CATALOGS"); // not a query to the driver
      try (ResultSet rs = st.getResultSet()) {
        List<String> catalogs = new ArrayList<>();
        while (rs.next()) {
          catalogs.add(rs.getString(1));
        }
        assertThat(catalogs).doesNotContain("raw");
      }
    }
    assertThatThrownBy(() -> new SqlGatewayClient(stack.gatewayUrl(), Map.of("table.catalog-store.kind", "generic_in_memory")))
        .hasStackTraceContaining("table.catalog-store.kind");
  }

  @Test
  void catalogsAndViewsOutliveTheGateway() throws Exception {
    assertThat(stack.gatewayState().resolve("catalog-store/iceberg.yaml")).exists();
    assertThat(stack.gatewayState().resolve("views/features/card_features_latest.json")).exists();
    // Restarted without deploy/sql: every catalog and view must come back from the stores.
    stack.restartGatewayWithoutApplying();
    try (SqlGatewayClient session = new SqlGatewayClient(stack.gatewayUrl(), Map.of())) {
      List<String> catalogs = session.execute("SHOW CATALOGS", Duration.ofMinutes(1)).rows().stream()
          .map(r -> r.get(0).asText()).toList();
      assertThat(catalogs).contains("iceberg", "factory");
      assertThat(session.execute("SELECT COUNT(*) FROM factory.features.card_features_history", Duration.ofMinutes(3))
          .rows().get(0).get(0).asLong()).isEqualTo(CARDS * (VECTORS + 1L));
    }
  }

  // --- the known tables ----------------------------------------------------------------------

  /**
   * Per card, one vector every 5 minutes; vector 2 of every card is emitted twice (a late event
   * revised it), and the last vector of every third card is a tombstone (the card expired).
   */
  private static void writeHistory(Catalog catalog) throws Exception {
    FeatureView view = FeatureViews.load("card_activity");
    FeatureTables.ensureExist(catalog, view);
    Table table = catalog.loadTable(FeatureTables.history(view));
    List<Record> rows = new ArrayList<>();
    for (int c = 0; c < CARDS; c++) {
      cards.add(String.format("tok_4111%08d", 7_000_000 + c));
      for (int v = 0; v < VECTORS; v++) {
        rows.add(vector(table, c, v, false));
        if (v == 2) {
          rows.add(vector(table, c, v, true));
        }
      }
    }
    IcebergAppends.append(table, rows);
    // The latest table as the features job leaves it after that history: each live card's newest
    // vector, none for the expired (LatestTableSinkTest covers the job's upserts into it).
    Table latest = catalog.loadTable(FeatureTables.latest(view));
    List<Record> newest = new ArrayList<>();
    for (int c = 0; c < CARDS; c++) {
      if (!tombstoned(c)) {
        Record full = vector(table, c, VECTORS - 1, false);
        Record r = GenericRecord.create(latest.schema());
        for (var column : latest.schema().columns()) {
          if (!column.name().equals("entity_ref")) {
            r.setField(column.name(), full.getField(column.name()));
          }
        }
        r.setField("entity_ref", sha256(cards.get(c)));
        newest.add(r);
      }
    }
    IcebergAppends.append(latest, newest);
  }

  private static Record vector(Table table, int card, int v, boolean revision) {
    Record r = GenericRecord.create(table.schema());
    r.setField("entity", cards.get(card));
    r.setField("feature_view", "card_activity");
    r.setField("feature_view_version", 1);
    r.setField("valid_from", OffsetDateTime.ofInstant(validFrom(v), ZoneOffset.UTC));
    r.setField("emitted_at", OffsetDateTime.ofInstant(validFrom(v).plusSeconds(revision ? 400 : 1), ZoneOffset.UTC));
    boolean tombstone = v == VECTORS - 1 && tombstoned(card);
    r.setField("tombstone", tombstone);
    if (!tombstone) {
      r.setField("tx_count_1h", (long) txCount(card, v, revision));
      r.setField("amount_sum_1h", 10.0 * v);
    }
    return r;
  }

  @Test
  void oneQueryFindsTheRejectedRecordsOfEveryJob() throws Exception {
    Catalog catalog = IcebergCatalogs.local(stack.warehouse()).loadCatalog();
    OffsetDateTime at = OffsetDateTime.ofInstant(T0, ZoneOffset.UTC);
    Table late = catalog.loadTable(dev.aifactory.features.sink.FeatureTables.LATE);
    Record dropped = GenericRecord.create(late.schema());
    dropped.setField("job", "features");
    dropped.setField("stage", "features");
    dropped.setField("subject", "card_activity");
    dropped.setField("subject_version", 2);
    dropped.setField("reason", "INVALID_ENTITY_KEY");
    dropped.setField("event_id", "evt-dead-1");
    dropped.setField("event_time", at);
    dropped.setField("recorded_at", at);
    IcebergAppends.append(late, List.of(dropped));
    Table rejected = catalog.loadTable(dev.aifactory.cost.sink.CostTables.REJECTED);
    Record usage = GenericRecord.create(rejected.schema());
    usage.setField("job", "cost");
    usage.setField("stage", "usage");
    usage.setField("reason", "INVALID");
    usage.setField("subject", "GPU-7");
    usage.setField("event_time", at);
    usage.setField("recorded_at", at);
    IcebergAppends.append(rejected, List.of(usage));

    Map<String, String> subjectByJob = new TreeMap<>();
    try (Connection jdbc = DriverManager.getConnection(jdbcUrl()); Statement st = jdbc.createStatement();
        ResultSet rs = st.executeQuery("SELECT job, reason, subject FROM factory.ops.dead_letters")) {
      while (rs.next()) {
        subjectByJob.put(rs.getString(1), rs.getString(2) + " " + rs.getString(3));
      }
    }
    assertThat(subjectByJob).containsEntry("features", "INVALID_ENTITY_KEY card_activity").containsEntry("cost", "INVALID GPU-7");
  }

  private static void writePredictions(Catalog catalog) {
    Table table = PredictionTable.ensureExists(catalog);
    List<Record> rows = new ArrayList<>();
    for (int c = 0; c < CARDS; c++) {
      for (int i = 0; i < 2; i++) {
        Record r = GenericRecord.create(table.schema());
        OffsetDateTime at = OffsetDateTime.ofInstant(T0.plusSeconds(60L * i + c), ZoneOffset.UTC);
        r.setField("event_id", "evt-" + c + "-" + i);
        r.setField("entity_id", cards.get(c));
        r.setField("event_time", at);
        r.setField("feature_valid_from", at);
        r.setField("features", Map.of("tx_count_1h", 1.0 * c));
        r.setField("score", 0.1 * i);
        r.setField("decision", i == 0 ? "approve" : "review");
        r.setField("model_name", "fraud");
        r.setField("model_version", 1);
        r.setField("model_sha256", "ab".repeat(32));
        r.setField("batch_size", 2);
        r.setField("latency_us", 100L);
        r.setField("inference_us", 20L);
        r.setField("provider", "cpu");
        r.setField("scored_at", at);
        rows.add(r);
      }
    }
    IcebergAppends.append(table, rows);
  }

  private static boolean tombstoned(int card) {
    return card % 3 == 0;
  }

  private static Instant validFrom(int v) {
    return T0.plus(EVERY.multipliedBy(v));
  }

  private static int txCount(int card, int v, boolean revision) {
    return card * 10 + v + (revision && v == 2 ? 100 : 0);
  }

  private static String format(Instant t) {
    return t.toString().replace("T", " ").replace("Z", "");
  }

  private static String jdbcUrl() {
    return "jdbc:flink://" + stack.gatewayUrl().replaceFirst("^http://", "");
  }

  static String sha256(String value) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
  }
}
