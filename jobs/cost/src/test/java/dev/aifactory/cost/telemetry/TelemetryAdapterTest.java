package dev.aifactory.cost.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.aifactory.localstack.LocalKafka;
import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.wire.PayloadDecoder;
import dev.aifactory.schemas.wire.SingleObjectFormat;
import dev.aifactory.cost.model.Sample;
import dev.aifactory.cost.model.UsageRecord;
import dev.aifactory.cost.source.UsageReader;
import dev.aifactory.telemetry.Usage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The adapter against a local HTTP endpoint serving DCGM exporter text, publishing to a real broker. */
class TelemetryAdapterTest {

  static final String EXPORTER = """
      # HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).
      # TYPE DCGM_FI_DEV_GPU_UTIL gauge
      DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-aaaa",device="nvidia0",modelName="NVIDIA H200",Hostname="node-1",container="scorer",namespace="risk",pod="scoring-7f9c"} 87
      DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-bbbb",device="nvidia1",modelName="NVIDIA H200",Hostname="node-1",container="",namespace="",pod=""} 0
      # HELP DCGM_FI_DEV_FB_USED Framebuffer memory used (in MiB).
      # TYPE DCGM_FI_DEV_FB_USED gauge
      DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-aaaa",device="nvidia0",modelName="NVIDIA H200",Hostname="node-1",container="scorer",namespace="risk",pod="scoring-7f9c"} 40960
      DCGM_FI_DEV_FB_USED{gpu="1",UUID="GPU-bbbb",device="nvidia1",modelName="NVIDIA H200",Hostname="node-1",container="",namespace="",pod=""} 0
      # HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).
      # TYPE DCGM_FI_DEV_POWER_USAGE gauge
      DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-aaaa",device="nvidia0",modelName="NVIDIA H200",Hostname="node-1",container="scorer",namespace="risk",pod="scoring-7f9c"} 512.25
      DCGM_FI_DEV_POWER_USAGE{gpu="1",UUID="GPU-bbbb",device="nvidia1",modelName="NVIDIA H200",Hostname="node-1",container="",namespace="",pod=""} 75.5
      # HELP DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION Total energy consumption since boot (in mJ).
      # TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter
      DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="0",UUID="GPU-aaaa",device="nvidia0",modelName="NVIDIA H200",Hostname="node-1",container="scorer",namespace="risk",pod="scoring-7f9c"} 123456789012
      DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="1",UUID="GPU-bbbb",device="nvidia1",modelName="NVIDIA H200",Hostname="node-1",container="",namespace="",pod=""} 98765432
      # TYPE DCGM_FI_DEV_SM_CLOCK gauge
      DCGM_FI_DEV_SM_CLOCK{gpu="0",UUID="GPU-aaaa",modelName="NVIDIA H200"} 1980
      process_open_fds 12
      """;

  @Test
  void scrapesTheExporterAndPublishesOneUsageSamplePerGpu() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/metrics", exchange -> {
      byte[] body = EXPORTER.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try (LocalKafka kafka = LocalKafka.start()) {
      kafka.createTopics(1, "telemetry.usage");
      URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
      try (TelemetryAdapter adapter = new TelemetryAdapter(endpoint, kafka.bootstrapServers(), "telemetry.usage",
          new DcgmUsage.Owners("platform", "online_inference"))) {
        List<Usage> scraped = adapter.scrapeOnce();
        assertThat(scraped).extracting(u -> u.getResourceId()).containsExactly("GPU-aaaa", "GPU-bbbb");
        Usage held = scraped.get(0);
        assertThat(held.getAcceleratorType()).isEqualTo("H200");
        assertThat(held.getGpuUtilPct()).isEqualTo(87.0);
        assertThat(held.getFbUsedMib()).isEqualTo(40960.0);
        assertThat(held.getPowerW()).isEqualTo(512.25);
        assertThat(held.getEnergyMj()).isEqualTo(123456789012L);
        assertThat(held.getTeam()).isEqualTo("risk");
        assertThat(held.getWorkloadClass()).isEqualTo("online_inference");
        assertThat(held.getJob()).isEqualTo("scoring-7f9c");
        Usage free = scraped.get(1);
        assertThat(free.getTeam()).isEqualTo("platform");
        assertThat(free.getWorkloadClass()).as("no pod holds it").isEqualTo("unallocated");
      }

      // What the cost job reads back from the topic.
      List<ConsumerRecord<byte[], byte[]>> published = kafka.readTopic("telemetry.usage");
      assertThat(published).hasSize(2);
      SchemaCatalog catalog = SchemaCatalog.bundled();
      PayloadDecoder decoder = new PayloadDecoder(new SingleObjectFormat(catalog), catalog.contract("dev.aifactory.telemetry.Usage").schema());
      UsageRecord read = UsageReader.read(decoder.decodeAsContract(published.get(0).value()).record());
      Sample sample = read.sample;
      assertThat(sample).isNotNull();
      assertThat(sample.resourceId).isEqualTo("GPU-aaaa");
      assertThat(sample.gpuUtilPct).isEqualTo(87.0);
      assertThat(sample.energyMj).isEqualTo(123456789012L);
      assertThat(new String(published.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("GPU-aaaa");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void podsSharingAGpuAreOneSampleEachOfTheSameResource() {
    // Time-slicing: the exporter reports the GPU once per pod holding it. MIG: once per instance.
    String shared = "gpu=\"0\",UUID=\"GPU-shared\",modelName=\"NVIDIA H200\"";
    List<Usage> samples = DcgmUsage.from(PrometheusText.parse(
        "DCGM_FI_DEV_GPU_UTIL{" + shared + ",namespace=\"risk\",pod=\"scorer-a\"} 60\n"
            + "DCGM_FI_DEV_GPU_UTIL{" + shared + ",namespace=\"growth\",pod=\"ranker-b\"} 60\n"
            + "DCGM_FI_DEV_GPU_UTIL{gpu=\"1\",UUID=\"GPU-mig\",modelName=\"NVIDIA H200\",GPU_I_ID=\"1\","
            + "namespace=\"risk\",pod=\"small-1\"} 20\n"
            + "DCGM_FI_DEV_GPU_UTIL{gpu=\"1\",UUID=\"GPU-mig\",modelName=\"NVIDIA H200\",GPU_I_ID=\"2\","
            + "namespace=\"risk\",pod=\"small-2\"} 40\n"),
        java.time.Instant.parse("2026-12-01T00:00:00Z"), new DcgmUsage.Owners("platform", "online_inference"));
    assertThat(samples).extracting(u -> u.getResourceId() + " " + u.getTeam() + " " + u.getJob())
        .containsExactly("GPU-shared risk scorer-a", "GPU-shared growth ranker-b", "GPU-mig risk small-1", "GPU-mig risk small-2");
    assertThat(samples).extracting(Usage::getEventId).doesNotHaveDuplicates();
  }

  @Test
  void migInstancesCarryTheirShareOfTheGpuAndTheFreeSlicesComeAsUnallocated() {
    String gpu = "gpu=\"1\",UUID=\"GPU-mig\",modelName=\"NVIDIA H200\"";
    List<Usage> samples = DcgmUsage.from(PrometheusText.parse(
        "DCGM_FI_DEV_GPU_UTIL{" + gpu + ",GPU_I_ID=\"1\",GPU_I_PROFILE=\"3g.71gb\",namespace=\"risk\",pod=\"big\"} 50\n"
            + "DCGM_FI_DEV_GPU_UTIL{" + gpu + ",GPU_I_ID=\"2\",GPU_I_PROFILE=\"1c.1g.18gb\",namespace=\"growth\",pod=\"small\"} 20\n"),
        java.time.Instant.parse("2026-12-01T00:00:00Z"), new DcgmUsage.Owners("platform", "online_inference"));
    assertThat(samples).extracting(u -> u.getTeam() + " " + u.getWorkloadClass() + " " + u.getMigProfile())
        .containsExactly("risk online_inference 3g.71gb", "growth online_inference 1c.1g.18gb", "platform unallocated null");
    assertThat(samples).extracting(Usage::getGpuShare).containsExactly(3 / 7.0, 1 / 7.0, 1 - 4 / 7.0);
    assertThat(samples).extracting(Usage::getResourceId).containsOnly("GPU-mig");
    assertThat(samples).extracting(Usage::getEventId).doesNotHaveDuplicates();
  }

  @Test
  void aWholeOrTimeSlicedGpuHasNoShareAndNoFreeSlices() {
    List<Usage> samples = DcgmUsage.from(PrometheusText.parse(
        "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",UUID=\"GPU-0\",modelName=\"NVIDIA A30\",namespace=\"risk\",pod=\"p\"} 10\n"),
        java.time.Instant.parse("2026-12-01T00:00:00Z"), new DcgmUsage.Owners("platform", "online_inference"));
    assertThat(samples).hasSize(1).allSatisfy(u -> assertThat(u.getGpuShare()).isNull());
    assertThat(DcgmUsage.migShare("2g.12gb", "A30")).as("an A30 has 4 slices").isEqualTo(0.5);
    assertThat(DcgmUsage.migShare("all", "H100")).isNull();
  }

  @Test
  void parsesEscapedLabelValuesAndSkipsNaN() {
    List<PrometheusText.Metric> metrics = PrometheusText.parse("""
        m{a="x\\"y",b="1"} 2.5 1700000000000
        n NaN
        o 3
        """);
    assertThat(metrics).hasSize(2);
    assertThat(metrics.get(0).labels()).containsEntry("a", "x\"y").containsEntry("b", "1");
    assertThat(metrics.get(0).value()).isEqualTo(2.5);
    assertThat(metrics.get(1).name()).isEqualTo("o");
  }
}
