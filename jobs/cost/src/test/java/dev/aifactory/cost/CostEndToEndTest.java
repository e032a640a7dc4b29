package dev.aifactory.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.cost.sink.CostTables;
import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.telemetry.Usage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost job streaming on a real broker, Flink mini cluster and Iceberg warehouse: GPU and CPU
 * samples, the scoring job's metering, a price change mid-stream, bad records; the gold tables
 * and the alerts topic checked against what those samples must give.
 */
class CostEndToEndTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  static final long T0 = Instant.parse("2026-06-10T00:00:00Z").toEpochMilli();
  static final long MIN = 60_000;

  @Test
  void windowsFocusUnitEconomicsAndAlertsFromARealStream(@TempDir Path tmp) throws Exception {
    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(2, "telemetry.usage");
      kafka.createTopics(1, "cost.prices", "alerts.cost");
      try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
        // H200 at 5.00 from minute 6 on (3.80 before, from configuration).
        producer.send(new ProducerRecord<>("cost.prices", AvroWire.singleObject(Price.newBuilder().setItem(PricedItem.GPU_HOUR)
            .setAcceleratorType("H200").setListPrice(5.0).setEffectiveFrom(Instant.ofEpochMilli(T0 + 6 * MIN)).build())));
        for (long t = T0; t < T0 + 12 * MIN; t += 15_000) {
          long minute = (t - T0) / MIN;
          double util = minute >= 3 && minute < 8 ? 1 : 75;
          // GPU-A serves the fraud model; its energy counter restarts from zero just after the
          // 4:45 reading (a reboot), so the 5:00 reading holds 15 s of energy.
          long energy = minute >= 5 ? (t - T0 - 5 * MIN + 15_000) * 300 : 10_000_000 + (t - T0) * 300;
          send(producer, gpu("GPU-A", t, util, energy, "risk", "online_inference", "scoring", "fraud:1"));
          send(producer, gpu("GPU-B", t, 0, (t - T0) * 60, "platform", "unallocated", null, null));
          send(producer, metering(t, 1_000));
          // The ingest job's host: 2 of 8 cores, and the records it ingested.
          send(producer, Usage.newBuilder().setEventId("ingest-cpu-" + t).setEventTime(Instant.ofEpochMilli(t)).setResourceId("node-9")
              .setResourceType("cpu").setCpuCoresRequested(2.0).setCpuCoresUsed(1.0).setCpuCoresCapacity(8.0)
              .setTeam("data").setWorkloadClass("ingestion").setJob("factory-ingest").build());
          send(producer, Usage.newBuilder().setEventId("ingest-" + t).setEventTime(Instant.ofEpochMilli(t + 2)).setResourceId("factory-ingest/0")
              .setResourceType("job").setRecordsIngested(5_000L).setTeam("data").setWorkloadClass("ingestion").setJob("factory-ingest")
              .build());
        }
        producer.send(new ProducerRecord<>("telemetry.usage", "junk".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}));
        send(producer, gpu("GPU-C", T0, 150, 0, "risk", "training", "run-1", null));
      }

      JobConfig config = JobConfig.load("cost-defaults.properties",
          "--kafka.bootstrap.servers", kafka.bootstrapServers(),
          "--iceberg.catalog.warehouse", tmp.resolve("warehouse").toString(),
          "--cost.starting-offsets", "earliest",
          "--cost.windows", "1m,5m",
          "--cost.allowed-lateness", "1m",
          "--cost.watermark.out-of-orderness", "5s",
          "--cost.watermark.idleness", "3s",
          "--cost.sample.max-interval", "20s",
          "--cost.alerts.idle.windows", "3",
          "--cost.budget.risk.online_inference", "50",
          "--flink.execution.checkpointing.interval", "1s",
          "--flink.state.backend.type", "hashmap");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
          org.apache.flink.configuration.Configuration.fromMap(config.withPrefix("flink.")));
      env.setParallelism(2);
      CostJobMain.define(env, config);
      JobClient job = env.executeAsync("cost-under-test");
      Catalog catalog = IcebergCatalogs.loader(config).loadCatalog();
      try {
        waitFor(job, () -> rows(catalog, CostTables.UTILIZATION).stream().filter(r -> "GPU-A".equals(r.getField("resource_id"))
            && minutes(r, "window_start") == 10 && seconds(r) == 60).count() == 1, "GPU-A's window of minute 10");
        waitFor(job, () -> kafka.readTopic("alerts.cost").size() >= 3, "the alerts");
        waitFor(job, () -> rows(catalog, CostTables.REJECTED).size() >= 2, "the rejected records");
      } finally {
        if (!job.getJobStatus().get().isTerminalState()) {
          job.cancel().get();
        }
      }

      List<Record> utilization = rows(catalog, CostTables.UTILIZATION);
      Record minute2 = window(utilization, "GPU-A", 2, 60);
      assertThat((Double) minute2.getField("covered_seconds")).isEqualTo(60.0);
      assertThat((Double) minute2.getField("utilization_avg")).isCloseTo(0.75, within(1e-9));
      assertThat((Double) minute2.getField("asset_cost")).as("3.80 an hour for a minute").isCloseTo(3.80 / 60, within(1e-9));
      assertThat((Double) minute2.getField("idle_cost")).as("allocated: the workload pays all").isCloseTo(0, within(1e-12));
      assertThat((Double) minute2.getField("energy_kwh")).as("4 readings of 15 s at 300 mJ/ms").isCloseTo(4 * 15_000 * 300 / 3.6e9, within(1e-12));
      Record minute5 = window(utilization, "GPU-A", 5, 60);
      assertThat((Double) minute5.getField("energy_kwh")).as("the reset reading counts from zero")
          .isCloseTo(4 * 15_000 * 300 / 3.6e9, within(1e-12));
      assertThat((Double) window(utilization, "GPU-A", 7, 60).getField("asset_cost")).as("the new price from minute 6")
          .isCloseTo(5.0 / 60, within(1e-9));
      Record idleGpu = window(utilization, "GPU-B", 2, 60);
      assertThat((Double) idleGpu.getField("idle_cost")).as("unallocated: all idle").isCloseTo(3.80 / 60, within(1e-9));
      Record fiveMinutes = window(utilization, "GPU-A", 0, 300);
      assertThat((Double) fiveMinutes.getField("covered_seconds")).isEqualTo(300.0);

      List<Record> focus = rows(catalog, CostTables.FOCUS);
      double listMinute2 = focus.stream().filter(r -> "GPU-A".equals(r.getField("ResourceId")) && "GPU".equals(r.getField("ResourceType"))
              && minutes(r, "ChargePeriodStart") == 2 && (Long) r.getField("x_WindowSeconds") == 60)
          .mapToDouble(r -> (Double) r.getField("ListCost")).sum();
      assertThat(listMinute2).isCloseTo(3.80 / 60, within(1e-9));
      assertThat(focus).allSatisfy(r -> {
        assertThat(r.getField("ServiceCategory")).isEqualTo("AI and Machine Learning");
        assertThat(r.getField("ChargeCategory")).isEqualTo("Usage");
        assertThat(r.getField("ConsumedQuantity")).isNotNull();
      });
      assertThat(focus).filteredOn(r -> "GPU-B".equals(r.getField("ResourceId")) && "GPU".equals(r.getField("ResourceType")))
          .extracting(r -> r.getField("x_CostAllocation")).containsOnly("idle");

      Record economics = rows(catalog, CostTables.UNIT_ECONOMICS).stream()
          .filter(r -> "fraud:1".equals(r.getField("subject")) && minutes(r, "window_start") == 2 && seconds(r) == 60)
          .max((a, b) -> Integer.compare((Integer) a.getField("revision"), (Integer) b.getField("revision"))).orElseThrow();
      assertThat(economics.getField("rows_scored")).isEqualTo(4_000L);
      double cost = (Double) economics.getField("effective_cost");
      assertThat(cost).as("the GPU's minute and its energy").isCloseTo(3.80 / 60 + 4 * 15_000 * 300 / 3.6e9 * 0.15, within(1e-9));
      assertThat((Double) economics.getField("cost_per_1k_predictions")).isCloseTo(cost / 4_000 * 1_000, within(1e-12));

      Record ingestion = rows(catalog, CostTables.UNIT_ECONOMICS).stream()
          .filter(r -> "factory-ingest".equals(r.getField("subject")) && minutes(r, "window_start") == 2 && seconds(r) == 60)
          .findFirst().orElseThrow();
      assertThat(ingestion.getField("records_ingested")).isEqualTo(20_000L);
      assertThat((Double) ingestion.getField("effective_cost")).as("2 of 8 cores held for a minute, at 0.04 a vCPU-hour")
          .isCloseTo(2 * 0.04 / 60, within(1e-12));
      assertThat((Double) ingestion.getField("cost_per_million_records")).isCloseTo(2 * 0.04 / 60 / 20_000 * 1e6, within(1e-12));
      Record node = window(utilization, "node-9", 2, 60);
      assertThat((Double) node.getField("idle_cost")).as("the 6 cores nobody holds").isCloseTo(6 * 0.04 / 60, within(1e-12));
      assertThat((Double) node.getField("utilization_avg")).as("1 of 2 requested cores used").isCloseTo(0.5, within(1e-12));

      List<String> rejected = rows(catalog, CostTables.REJECTED).stream().map(r -> (String) r.getField("reason")).toList();
      assertThat(rejected).contains("UNDECODABLE", "INVALID");

      // Plain Avro and the file in schemas/ alone decode every alert as the generated class does.
      var published = new org.apache.avro.message.BinaryMessageDecoder<org.apache.avro.generic.GenericRecord>(
          org.apache.avro.generic.GenericData.get(), new org.apache.avro.Schema.Parser().parse(
              java.nio.file.Path.of("../../schemas/src/main/avro/cost/cost-alert-v1.avsc").toFile()));
      List<String> alerts = kafka.readTopic("alerts.cost").stream().map(r -> {
        try {
          CostAlert a = CostAlert.fromByteBuffer(ByteBuffer.wrap(r.value()));
          assertThat(published.decode(r.value()).get("rule").toString()).isEqualTo(a.getRule().toString());
          return a.getRule() + " " + a.getSubject() + " " + a.getState() + "@" + (a.getWindowEnd().toEpochMilli() - T0) / MIN;
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).collect(Collectors.toList());
      assertThat(alerts).contains("IDLE_ACCELERATOR GPU-A RAISED@6", "IDLE_ACCELERATOR GPU-A CLEARED@9",
          "BUDGET_BURN_RATE risk/online_inference RAISED@1");
      assertThat(alerts).filteredOn(a -> a.startsWith("IDLE_ACCELERATOR GPU-B")).containsExactly("IDLE_ACCELERATOR GPU-B RAISED@3");
      assertThat(alerts).filteredOn(a -> a.startsWith("BUDGET")).hasSize(1);
    }
  }

  static Usage gpu(String id, long t, double util, long energyMj, String team, String workload, String job, String model) {
    return Usage.newBuilder().setEventId(id + "-" + t).setEventTime(Instant.ofEpochMilli(t)).setResourceId(id).setResourceType("gpu")
        .setAcceleratorType("H200").setGpuUtilPct(util).setPowerW(300.0).setEnergyMj(energyMj).setFbUsedMib(1000.0)
        .setTeam(team).setWorkloadClass(workload).setJob(job).setModel(model).build();
  }

  static Usage metering(long t, long rows) {
    return Usage.newBuilder().setEventId("scoring-" + t).setEventTime(Instant.ofEpochMilli(t + 1)).setResourceId("scoring/0")
        .setResourceType("job").setRowsScored(rows).setBatches(4L).setInferenceMs(3.0).setTeam("risk")
        .setWorkloadClass("online_inference").setJob("scoring").setModel("fraud:1").build();
  }

  static void send(KafkaProducer<byte[], byte[]> producer, Usage u) {
    producer.send(new ProducerRecord<>("telemetry.usage", null, u.getEventTime().toEpochMilli(),
        u.getResourceId().getBytes(StandardCharsets.UTF_8), AvroWire.singleObject(u)));
  }

  static KafkaProducer<byte[], byte[]> producer(LocalKafka kafka) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static Record window(List<Record> rows, String resource, long minute, long seconds) {
    return rows.stream().filter(r -> resource.equals(r.getField("resource_id")) && minutes(r, "window_start") == minute
        && seconds(r) == seconds).findFirst().orElseThrow(() -> new AssertionError("no window " + resource + " " + minute));
  }

  static long minutes(Record r, String field) {
    return (((OffsetDateTime) r.getField(field)).toInstant().toEpochMilli() - T0) / MIN;
  }

  static long seconds(Record r) {
    String start = r.getField("window_start") != null ? "window_start" : "ChargePeriodStart";
    String end = start.equals("window_start") ? "window_end" : "ChargePeriodEnd";
    return (((OffsetDateTime) r.getField(end)).toInstant().toEpochMilli() - ((OffsetDateTime) r.getField(start)).toInstant().toEpochMilli()) / 1000;
  }

  static List<Record> rows(Catalog catalog, TableIdentifier id) {
    Table table = catalog.loadTable(id);
    table.refresh();
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      it.forEach(r -> out.add(r.copy()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  static void waitFor(JobClient job, Supplier<Boolean> condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!condition.get()) {
      if (job.getJobStatus().get().isTerminalState()) {
        job.getJobExecutionResult().get(); // throws the job's failure
        throw new AssertionError("the job ended before " + what);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(500);
    }
  }
}
