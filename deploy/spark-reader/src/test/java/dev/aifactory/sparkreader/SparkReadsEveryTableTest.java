package dev.aifactory.sparkreader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lakehouse is readable by any engine, read here by Spark SQL with Iceberg's Spark runtime:
 * <ul>
 *   <li>the tables the jobs wrote: `./factory demo --skip-scoring` runs ingest and features on
 *       embedded Kafka and Flink, and Spark reads every table they committed with `SELECT *`,
 *       counting what Iceberg's own Java reader reads of the same snapshot, deletes applied;</li>
 *   <li>every table the jobs create (made by the factory's own `factory tables`, as on a fresh
 *       stack), written and read back by Spark.</li>
 * </ul>
 * Iceberg reserves metadata column names such as `_partition`, which once broke `SELECT *` on
 * bronze and silver.
 */
class SparkReadsEveryTableTest {

  @TempDir
  static Path dir;
  static SparkSession spark;

  @BeforeAll
  static void tablesMadeByTheFactory() throws Exception {
    factory("tables", "--warehouse", dir.resolve("warehouse").toString());
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    factory("demo", "--skip-scoring", "--events", "3000", "--dir", dir.resolve("demo").toString(), "--ui-port", String.valueOf(port));
    spark = SparkSession.builder().master("local[2]").appName("factory-spark-reader")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
        .config("spark.sql.catalog.factory", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.factory.type", "hadoop")
        .config("spark.sql.catalog.factory.warehouse", dir.resolve("warehouse").toUri().toString())
        .config("spark.sql.catalog.demo", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.demo.type", "hadoop")
        .config("spark.sql.catalog.demo.warehouse", dir.resolve("demo").resolve("warehouse").toUri().toString())
        .getOrCreate();
  }

  /** Runs the factory's own command line from the repository root, as a user would. */
  private static void factory(String... args) throws Exception {
    Path repository = Path.of("../..").toAbsolutePath().normalize();
    Path log = Files.createTempFile(dir, "factory-" + args[0], ".log");
    List<String> command = new ArrayList<>(List.of("bash", repository.resolve("factory").toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(repository.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(15, TimeUnit.MINUTES)).as("factory " + args[0] + " finished").isTrue();
    assertThat(p.exitValue()).as(Files.readString(log)).isZero();
  }

  @Test
  void sparkReadsEveryTableTheJobsWrote() {
    List<String> tables = tables("demo");
    assertThat(tables).contains("demo.bronze.transactions", "demo.silver.transactions", "demo.ingest.quarantine",
        "demo.gold.features_card_id_history");
    for (String table : tables) {
      long rows = spark.sql("SELECT * FROM " + table).collectAsList().size();
      assertThat(rows).as("%s: Spark's SELECT * against what Flink committed", table).isEqualTo(committedRecords(table));
    }
    for (String written : List.of("demo.bronze.transactions", "demo.silver.transactions", "demo.gold.features_card_id_history")) {
      assertThat(committedRecords(written)).as(written).isPositive();
    }
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void sparkWritesAndReadsEveryTableTheJobsCreate() throws IOException {
    List<String> tables = tables("factory");
    assertThat(tables).contains("factory.bronze.transactions", "factory.silver.transactions", "factory.ingest.quarantine",
        "factory.ingest.dq", "factory.gold.features_card_id_history", "factory.gold.predictions", "factory.gold.cost_focus");

    for (String table : tables) {
      StructType schema = spark.table(table).schema();
      String values = java.util.Arrays.stream(schema.fields()).map(f -> literal(f.dataType())).collect(Collectors.joining(", "));
      spark.sql("INSERT INTO " + table + " SELECT " + values);
      spark.sql("INSERT INTO " + table + " SELECT " + values);

      List<Row> rows = spark.sql("SELECT * FROM " + table).collectAsList();
      assertThat(rows).as(table).hasSize(2);
      assertThat(committedRecords(table)).as("%s: Iceberg's own count", table).isEqualTo(rows.size());
      assertThat(rows.get(0).size()).as(table).isEqualTo(schema.fields().length);
    }
  }

  private static List<String> tables(String catalog) {
    List<String> tables = new ArrayList<>();
    for (Row ns : spark.sql("SHOW NAMESPACES IN " + catalog).collectAsList()) {
      for (Row t : spark.sql("SHOW TABLES IN " + catalog + "." + ns.getString(0)).collectAsList()) {
        tables.add(catalog + "." + ns.getString(0) + "." + t.getString(1));
      }
    }
    return tables;
  }

  /**
   * The rows of the table's current snapshot as Iceberg's own Java reader reads them (0 when it
   * has none). Not the snapshot's {@code total-records}: that counts the rows of its data files
   * before deletes, and the latest table's upserts leave equality deletes until it is compacted.
   */
  private static long committedRecords(String table) {
    String[] name = table.split("\\.", 2);
    Path warehouse = "demo".equals(name[0]) ? dir.resolve("demo").resolve("warehouse") : dir.resolve("warehouse");
    try (HadoopCatalog catalog = new HadoopCatalog(new Configuration(), warehouse.toUri().toString())) {
      Table t = catalog.loadTable(TableIdentifier.parse(name[1]));
      if (t.currentSnapshot() == null) {
        return 0;
      }
      long rows = 0;
      try (CloseableIterable<Record> records = IcebergGenerics.read(t).build()) {
        for (Record ignored : records) {
          rows++;
        }
      }
      return rows;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A value of {@code type} as Spark SQL, for one generated row. */
  private static String literal(DataType type) {
    if (type.equals(DataTypes.StringType)) {
      return "'x'";
    } else if (type.equals(DataTypes.IntegerType)) {
      return "1";
    } else if (type.equals(DataTypes.LongType)) {
      return "CAST(1 AS BIGINT)";
    } else if (type.equals(DataTypes.DoubleType)) {
      return "CAST(1.5 AS DOUBLE)";
    } else if (type.equals(DataTypes.FloatType)) {
      return "CAST(1.5 AS FLOAT)";
    } else if (type.equals(DataTypes.BooleanType)) {
      return "true";
    } else if (type.equals(DataTypes.TimestampType)) {
      return "TIMESTAMP '2026-01-01 00:00:00'";
    } else if (type.equals(DataTypes.TimestampNTZType)) {
      return "TIMESTAMP_NTZ '2026-01-01 00:00:00'";
    } else if (type.equals(DataTypes.DateType)) {
      return "DATE '2026-01-01'";
    } else if (type.equals(DataTypes.BinaryType)) {
      return "X'00'";
    } else if (type instanceof DecimalType d) {
      return "CAST(1 AS DECIMAL(" + d.precision() + ", " + d.scale() + "))";
    } else if (type instanceof MapType m) {
      return "map(" + literal(m.keyType()) + ", " + literal(m.valueType()) + ")";
    } else if (type instanceof ArrayType a) {
      return "array(" + literal(a.elementType()) + ")";
    } else if (type instanceof StructType s) {
      List<String> parts = new ArrayList<>();
      for (StructField f : s.fields()) {
        parts.add("'" + f.name() + "'");
        parts.add(literal(f.dataType()));
      }
      return "named_struct(" + String.join(", ", parts) + ")";
    }
    throw new IllegalArgumentException("no literal for " + type);
  }
}
