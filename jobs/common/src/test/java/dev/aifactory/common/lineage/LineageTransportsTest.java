package dev.aifactory.common.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.aifactory.common.JobConfig;
import io.openlineage.client.OpenLineage.RunEvent;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.transports.FileConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transports, from {@code lineage.transport.*} as OpenLineage's client reads its own configuration. */
class LineageTransportsTest {

  @Test
  void theDefaultIsAFileBesideTheDefaultWarehouse() {
    assertThat(LineageTransports.configOf(JobConfig.of(Map.of()))).isInstanceOfSatisfying(FileConfig.class,
        file -> assertThat(file.getLocation()).isEqualTo(".factory/lineage/events.jsonl"));
  }

  @Test
  void aFileGetsOneEventPerLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("events.jsonl");
    UUID run = UUID.randomUUID();
    RunLineage lineage = RunLineage.batchRun(JobConfig.of(Map.of("lineage.transport.location", file.toString())), "a-job", run)
        .reads(LineageDataset.topic("in")).writes(LineageDataset.file(dir.resolve("model.onnx")));
    lineage.started();
    lineage.failed(new IllegalStateException("no data"));
    List<RunEvent> events = Files.readAllLines(file).stream().map(OpenLineageClientUtils::runEventFromJson).toList();
    assertThat(events).extracting(RunEvent::getEventType).containsExactly(EventType.START, EventType.FAIL);
    assertThat(events.get(1).getRun().getRunId()).isEqualTo(run);
    assertThat(events.get(1).getRun().getFacets().getErrorMessage().getMessage()).isEqualTo("no data");
    assertThat(events.get(0).getOutputs().get(0).getNamespace()).isEqualTo("file");
    assertThat(events.get(0).getOutputs().get(0).getName()).isEqualTo(dir.resolve("model.onnx").toAbsolutePath().toString());
  }

  /** As a Marquez server receives them: POSTed to {@code /api/v1/lineage}. */
  @Test
  void httpPostsEachEvent() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/lineage", exchange -> {
      received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(201, -1);
      exchange.close();
    });
    server.start();
    try {
      UUID run = UUID.randomUUID();
      RunLineage.batchRun(JobConfig.of(Map.of("lineage.transport.type", "http",
          "lineage.transport.url", "http://127.0.0.1:" + server.getAddress().getPort())), "a-job", run).started();
      assertThat(received).hasSize(1);
      assertThat(OpenLineageClientUtils.runEventFromJson(received.get(0)).getRun().getRunId()).isEqualTo(run);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anUnknownTransportFailsTheRunsStartWithTheKeys() {
    assertThatThrownBy(() -> RunLineage.batchRun(JobConfig.of(Map.of("lineage.transport.type", "carrier-pigeon")), "a-job", UUID.randomUUID()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lineage.transport");
  }
}
