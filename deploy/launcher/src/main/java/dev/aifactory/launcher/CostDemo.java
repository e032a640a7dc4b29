package dev.aifactory.launcher;

import dev.aifactory.common.JobConfig;
import dev.aifactory.cost.CostJobMain;
import dev.aifactory.cost.sink.CostTables;
import dev.aifactory.localstack.LocalKafka;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The demo's last step: the cost job over the usage topic (the scoring job's metering and this
 * process's CPU samples), to the point the topic had reached, then cost per 1,000 predictions
 * and utilization from the gold tables.
 */
final class CostDemo {

  private final LocalKafka kafka;
  private final Path dir;
  private final Catalog catalog;
  private final int parallelism;

  CostDemo(LocalKafka kafka, Path dir, Catalog catalog, int parallelism) {
    this.kafka = kafka;
    this.dir = dir;
    this.catalog = catalog;
    this.parallelism = parallelism;
  }

  void run() throws Exception {
    kafka.createTopics(1, "cost.prices", "alerts.cost");
    JobConfig config = JobConfig.load("cost-defaults.properties", "--kafka.bootstrap.servers", kafka.bootstrapServers(),
        "--iceberg.catalog.warehouse", dir.resolve("warehouse").toString(), "--cost.bounded", "true",
        "--lineage.transport.location", DemoCommand.lineageEvents(dir),
        "--cost.starting-offsets", "earliest", "--cost.windows", "1m", "--cost.watermark.idleness", "2s",
        "--flink.execution.checkpointing.interval", "2s");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Configuration.fromMap(config.withPrefix("flink.")));
    env.setParallelism(parallelism);
    CostJobMain.define(env, config);
    System.out.println("costing the usage topic (the jobs' metering and this process's CPU)...");
    env.execute("factory-demo: cost");
    printSummary();
  }

  private void printSummary() throws IOException {
    Map<String, Record> newest = new HashMap<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(catalog.loadTable(CostTables.UNIT_ECONOMICS)).build()) {
      for (Record r : rows) {
        String key = r.getField("window_start") + "|" + r.getField("subject");
        Record seen = newest.get(key);
        if (seen == null || (Integer) r.getField("revision") > (Integer) seen.getField("revision")) {
          newest.put(key, r.copy());
        }
      }
    }
    double cost = 0;
    long predictions = 0;
    double ingestCost = 0;
    long ingested = 0;
    for (Record r : newest.values()) {
      if ("fraud:1".equals(r.getField("subject"))) {
        cost += (Double) r.getField("effective_cost");
        predictions += (Long) r.getField("rows_scored");
      } else if ("factory-ingest".equals(r.getField("subject"))) {
        ingestCost += (Double) r.getField("effective_cost");
        ingested += (Long) r.getField("records_ingested");
      }
    }
    double covered = 0;
    double busy = 0;
    int gpus = 0;
    try (CloseableIterable<Record> rows = IcebergGenerics.read(catalog.loadTable(CostTables.UTILIZATION)).build()) {
      for (Record r : rows) {
        if ("cpu".equals(r.getField("resource_type"))) {
          covered += (Double) r.getField("covered_seconds");
          busy += (Double) r.getField("busy_seconds");
        } else {
          gpus++;
        }
      }
    }
    long focus = 0;
    double effective = 0;
    try (CloseableIterable<Record> rows = IcebergGenerics.read(catalog.loadTable(CostTables.FOCUS)).build()) {
      for (Record r : rows) {
        focus++;
        effective += (Double) r.getField("EffectiveCost");
      }
    }
    System.out.println("=== cost ===");
    System.out.printf("predictions metered  %,d (model fraud:1)%n", predictions);
    System.out.printf("cost per 1,000       %s (CPU time held by the scoring job, its memory, at the configured prices)%n",
        predictions > 0 ? String.format("%.6f USD", cost / predictions * 1000) : "-");
    System.out.printf("records ingested     %,d metered (windows closed before the demo stopped ingest); cost per million %s%n", ingested,
        ingested > 0 && ingestCost > 0 ? String.format("%.4f USD", ingestCost / ingested * 1e6) : "-");
    System.out.printf("CPU utilization      %.1f%% of the cores requested, over %.0f s sampled%n", covered > 0 ? 100 * busy / covered : 0, covered);
    System.out.printf("GPU utilization      %s%n", gpus == 0 ? "no GPU here (point `factory telemetry` at a DCGM exporter to cost GPUs)" : gpus + " GPU windows");
    System.out.printf("FOCUS rows           %,d in gold.cost_focus, %.6f USD effective cost%n", focus, effective);
  }
}
