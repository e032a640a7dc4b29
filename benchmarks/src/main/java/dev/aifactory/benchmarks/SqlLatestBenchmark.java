package dev.aifactory.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.sink.FeatureTables;
import dev.aifactory.features.sink.LatestTableSink;
import dev.aifactory.launcher.cluster.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.flink.CatalogLoader;

/**
 * SQL over features as a downstream user runs it: the Flink JDBC driver against the SQL Gateway
 * of the local stack (deploy/local: a JobManager, a TaskManager and the gateway as separate
 * processes), the gateway's catalogs and views from deploy/sql. The same cards are queried two
 * ways in one run:
 * <ul>
 *   <li>{@code latest_table}: {@code factory.features.card_features_latest}, a read of the latest
 *       table, which the features job's own sink ({@link LatestTableSink}) filled here by
 *       upserting every vector of the history at the job's checkpoint interval (10 s): all but
 *       the last vector of every card as fast as it goes (a job catching up), then the last at
 *       {@code upserts-per-second} (2,000/s, the payment rate of the real-time issue), so the
 *       table holds what the sink leaves in steady state between compactions (data and
 *       equality-delete files of the commits since the last one);</li>
 *   <li>{@code history_ranking}: the previous definition of that view, the newest row per card
 *       ranked over the whole history table ({@code card_features_validity}, still there for
 *       point-in-time reads).</li>
 * </ul>
 * Per query, wall time from {@code executeQuery} to the last row read, median of the runs after
 * {@code warmups} (3) uncounted ones. Adds {@code sql_latest_one_card_ms} and {@code sql_latest_count_ms} (and the
 * details) to {@code serving.json}, plots {@code serving-sql.png}; exits 1 when a goal is missed.
 * <pre>mvn -B -DskipTests -Pbench -pl benchmarks -am package -Dbench.main=dev.aifactory.benchmarks.SqlLatestBenchmark</pre>
 */
public final class SqlLatestBenchmark {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  /** History rows per commit: a streaming job commits many files; the history table gets that many. */
  static final int ROWS_PER_COMMIT = 20_000;

  private SqlLatestBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = BenchmarkReport.args(args);
    int cards = Integer.parseInt(options.getOrDefault("cards", "100000"));
    int vectors = Integer.parseInt(options.getOrDefault("vectors", "20"));
    int runs = Integer.parseInt(options.getOrDefault("runs", "5"));
    // The gateway and cluster JVMs start cold: the first queries of a fresh stack run 2 to 5 times
    // slower than the same queries later, and a one-card query kept getting faster for about ten
    // runs (the gateway, JobManager and TaskManager compiling their hot paths), so each query is
    // run this many times before the counted runs. The warm-up runs are in the JSON.
    int warmups = Integer.parseInt(options.getOrDefault("warmups", "10"));
    int upsertsPerSecond = Integer.parseInt(options.getOrDefault("upserts-per-second", "2000"));
    Path out = Path.of(options.getOrDefault("out", "results"));
    Path repository = Path.of("..").toAbsolutePath().normalize();
    Path dir = repository.resolve("benchmarks/target/sql-latest-bench");
    org.apache.commons.io.FileUtils.deleteDirectory(dir.toFile());
    FeatureView view = FeatureViews.load("card_activity");

    boolean met;
    try (LocalStack stack = new LocalStack(repository, dir, 1, 2, "10 s").withoutStackTopics()) {
      CatalogLoader loader = IcebergCatalogs.local(stack.warehouse());
      Catalog catalog = loader.loadCatalog();
      FeatureTables.ensureExist(catalog, view);
      System.out.printf("writing %,d history rows (%,d cards x %d vectors)...%n", (long) cards * vectors, cards, vectors);
      writeHistory(catalog.loadTable(FeatureTables.history(view)), view, cards, vectors);
      System.out.printf("upserting them into the latest table through the job's sink, the last %,d at %,d/s...%n", cards,
          upsertsPerSecond);
      upsertLatest(loader, view, cards, vectors, upsertsPerSecond);
      Table latest = catalog.loadTable(FeatureTables.latest(view));
      Map<String, String> summary = latest.currentSnapshot().summary();
      Map<String, Object> tableState = new LinkedHashMap<>();
      for (String k : List.of("total-records", "total-data-files", "total-delete-files", "total-equality-deletes", "total-files-size")) {
        tableState.put(k.replace('-', '_'), Long.parseLong(summary.getOrDefault(k, "0")));
      }
      tableState.put("snapshots_retained", sizeOf(latest.snapshots()));
      tableState.put("compactions_in_retained_snapshots", countReplaces(latest));
      System.out.println("latest table: " + tableState);

      stack.startFlink();
      stack.startGateway();
      String jdbcUrl = "jdbc:flink://" + stack.gatewayUrl().replaceFirst("^http://", "");
      Random random = new Random(7);
      Map<String, Object> queries = new LinkedHashMap<>();
      long expectedLive = live(cards);
      try (Connection jdbc = DriverManager.getConnection(jdbcUrl); Statement st = jdbc.createStatement()) {
        st.execute("SET 'table.local-time-zone' = 'UTC'");
        queries.put("latest_table_one_card", time(st, warmups, runs, () -> "SELECT * FROM factory.features.card_features_latest "
            + "WHERE card_ref = SHA2('" + token(liveCard(random, cards)) + "', 256)", 1));
        queries.put("latest_table_count", time(st, warmups, runs, () -> "SELECT COUNT(*) FROM factory.features.card_features_latest", -expectedLive));
        queries.put("history_ranking_one_card", time(st, warmups, runs, () -> "SELECT * FROM factory.features.card_features_validity "
            + "WHERE valid_to IS NULL AND NOT tombstone AND card_ref = SHA2('" + token(liveCard(random, cards)) + "', 256)", 1));
        queries.put("history_ranking_count", time(st, warmups, runs, () -> "SELECT COUNT(*) FROM factory.features.card_features_validity "
            + "WHERE valid_to IS NULL AND NOT tombstone", -expectedLive));
      }

      double oneCard = median(queries, "latest_table_one_card");
      double count = median(queries, "latest_table_count");
      Map<String, Boolean> goals = new LinkedHashMap<>();
      goals.put("one card's latest features through JDBC <= 2 s", oneCard <= 2_000);
      goals.put("count of live cards through JDBC <= 3 s", count <= 3_000);

      Map<String, Object> sql = new LinkedHashMap<>();
      sql.put("measured_at", Instant.now().toString());
      sql.put("queries_ms", queries);
      sql.put("latest_table", tableState);
      sql.put("goals", goals);
      sql.put("parameters", Map.of("cards", cards, "history_rows", (long) cards * vectors, "live_cards", expectedLive,
          "runs", runs + " counted after " + warmups + " warm-ups of the same query (listed as warmup_runs), median"
              + " reported; a random live card per one-card run",
          "stack", "deploy/local: JobManager, 1 TaskManager (2 slots), SQL Gateway, separate JVMs; JDBC driver "
              + "flink-sql-jdbc-driver 2.1.0 in the benchmark's JVM; Iceberg Hadoop catalog on local disk",
          "latest_table_fill", "every history row upserted through LatestTableSink (parallelism 2), checkpoints every 10 s; all but the last"
              + " vector of each card unpaced, then the last " + cards + " at " + upsertsPerSecond + "/s; compaction every " + LatestTableSink.COMPACT_AFTER_COMMITS + " commits, at most every "
              + LatestTableSink.COMPACT_AT_MOST_EVERY_SECONDS + " s (shipped)"));
      Map<String, Object> json = readServing(out);
      json.put("sql_latest_one_card_ms", oneCard);
      json.put("sql_latest_count_ms", count);
      json.put("sql_history_ranking_one_card_ms", median(queries, "history_ranking_one_card"));
      json.put("sql_history_ranking_count_ms", median(queries, "history_ranking_count"));
      json.remove("sql_latest_note");
      json.put("sql_latest", sql);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("serving.json").toFile(), json);
      Map<String, Double> bars = new LinkedHashMap<>();
      bars.put("one card: latest table", oneCard);
      bars.put("one card: history ranking", median(queries, "history_ranking_one_card"));
      bars.put("count: latest table", count);
      bars.put("count: history ranking", median(queries, "history_ranking_count"));
      BenchmarkReport.plotLog(out.resolve("serving-sql.png"),
          "SQL over features through JDBC, median ms, log scale (lower is better)", bars);
      goals.forEach((goal, ok) -> System.out.printf("goal %-55s %s%n", goal, ok ? "met" : "MISSED"));
      met = goals.values().stream().allMatch(Boolean::booleanValue);
    }
    // After the stack is closed: exiting inside the try left its JVMs running.
    System.exit(met ? 0 : 1);
  }

  /** Card c's vector v at T0 + 5 min * v; every 10th card expired at its last vector. */
  static boolean tombstone(int card, int v, int vectors) {
    return card % 10 == 0 && v == vectors - 1;
  }

  static long live(int cards) {
    return cards - (cards + 9) / 10;
  }

  static int liveCard(Random random, int cards) {
    int c;
    do {
      c = random.nextInt(cards);
    } while (c % 10 == 0);
    return c;
  }

  static String token(int card) {
    return String.format("tok_bench_%08d", card);
  }

  static void writeHistory(Table history, FeatureView view, int cards, int vectors) {
    List<Record> batch = new ArrayList<>(ROWS_PER_COMMIT);
    for (int v = 0; v < vectors; v++) {
      for (int c = 0; c < cards; c++) {
        FeatureRow row = row(c, v, vectors, view.features().size());
        Record r = GenericRecord.create(history.schema());
        r.setField("entity", row.entity);
        r.setField("feature_view", view.name());
        r.setField("feature_view_version", view.version());
        r.setField("valid_from", OffsetDateTime.ofInstant(Instant.ofEpochMilli(row.validFrom), ZoneOffset.UTC));
        r.setField("emitted_at", OffsetDateTime.ofInstant(Instant.ofEpochMilli(row.emittedAtMicros / 1000), ZoneOffset.UTC));
        r.setField("tombstone", row.tombstone);
        r.setField("row_kind", row.kind);
        if (!row.tombstone) {
          for (int f = 0; f < view.features().size(); f++) {
            var def = view.features().get(f);
            r.setField(def.name(), def.aggregation().integral() ? (Object) (long) row.values[f] : (Object) row.values[f]);
          }
        }
        batch.add(r);
        if (batch.size() == ROWS_PER_COMMIT) {
          IcebergAppends.append(history, batch);
          batch = new ArrayList<>(ROWS_PER_COMMIT);
        }
      }
    }
    if (!batch.isEmpty()) {
      IcebergAppends.append(history, batch);
    }
  }

  static FeatureRow row(int card, int v, int vectors, int features) {
    boolean tombstone = tombstone(card, v, vectors);
    double[] values = new double[features];
    for (int f = 0; f < features; f++) {
      values[f] = (card % 97) + v + f;
    }
    long validFrom = T0.toEpochMilli() + v * 300_000L;
    FeatureRow r = new FeatureRow(token(card), validFrom, validFrom * 1000 + 500_000, tombstone, tombstone ? null : values);
    r.kind = tombstone ? FeatureRow.DECAY : FeatureRow.EVENT;
    r.latest = true;
    return r;
  }

  /** Every history row, in order, through the job's latest-table sink; the last vector of each card at {@code perSecond}. */
  static void upsertLatest(CatalogLoader loader, FeatureView view, int cards, int vectors, int perSecond) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    // The features job's checkpoint interval (features-defaults.properties), so commits and
    // compactions come at the cadence they have in production.
    env.enableCheckpointing(10_000);
    long total = (long) cards * vectors;
    long paced = total - cards;
    long nanosPerRow = 1_000_000_000L / perSecond;
    int features = view.features().size();
    DataStream<FeatureRow> rows = env.fromSequence(0, total - 1).setParallelism(1)
        .map(i -> {
          if (i == paced) {
            Pacer.start = System.nanoTime();
          }
          if (i > paced && i % 100 == 0) {
            long due = Pacer.start + (i - paced) * nanosPerRow;
            long wait = due - System.nanoTime();
            if (wait > 0) {
              Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
          }
          return row((int) (i % cards), (int) (i / cards), vectors, features);
        }).setParallelism(1).name("history rows, paced");
    LatestTableSink.write(rows, view, loader);
    env.execute("latest-table-fill");
  }

  /** The pacing clock of the single source task. */
  static final class Pacer {
    static long start;
  }

  static long countReplaces(Table table) {
    long n = 0;
    for (var s : table.snapshots()) {
      n += org.apache.iceberg.DataOperations.REPLACE.equals(s.operation()) ? 1 : 0;
    }
    return n;
  }

  static long sizeOf(Iterable<?> items) {
    long n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }

  interface Sql {
    String next();
  }

  /**
   * Runs a query {@code warmups + runs} times, the first {@code warmups} not counted; {@code
   * expected} positive: that many rows; negative: one row whose first column is minus it.
   */
  static Map<String, Object> time(Statement st, int warmups, int runs, Sql sql, long expected) throws Exception {
    List<Double> ms = new ArrayList<>();
    List<Double> warmup = new ArrayList<>();
    for (int run = 0; run < warmups + runs; run++) {
      String query = sql.next();
      long start = System.nanoTime();
      long rows = 0;
      long first = 0;
      try (ResultSet rs = st.executeQuery(query)) {
        while (rs.next()) {
          if (rows++ == 0 && expected < 0) {
            first = rs.getLong(1);
          }
        }
      }
      double elapsed = (System.nanoTime() - start) / 1e6;
      boolean right = expected > 0 ? rows == expected : rows == 1 && first == -expected;
      if (!right) {
        throw new IllegalStateException(query + ": got " + rows + " rows (first " + first + "), expected " + expected);
      }
      System.out.printf("  %8.0f ms  %s%n", elapsed, query);
      (run < warmups ? warmup : ms).add(BenchmarkReport.round(elapsed));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("median", BenchmarkReport.round(BenchmarkReport.median(ms)));
    m.put("runs", ms);
    m.put("warmup_runs", warmup);
    return m;
  }

  @SuppressWarnings("unchecked")
  static double median(Map<String, Object> queries, String name) {
    return ((Number) ((Map<String, Object>) queries.get(name)).get("median")).doubleValue();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> readServing(Path out) throws Exception {
    Path file = out.resolve("serving.json");
    if (!Files.exists(file)) {
      throw new IllegalStateException(file + " is missing: run ServingBenchmark first, this adds the SQL figures to it");
    }
    return new ObjectMapper().readValue(file.toFile(), LinkedHashMap.class);
  }
}
