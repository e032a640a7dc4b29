package dev.aifactory.launcher.cluster;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A DCGM exporter's {@code /metrics} endpoint in its Prometheus text format, for a node with two
 * H200s: one held by a pod of team risk, one free. No GPU here, so this serves what the exporter
 * serves; the energy counter grows with every scrape, as a busy GPU's does.
 */
final class DcgmExporter {

  static final String HELD_GPU = "GPU-live-held";
  static final String FREE_GPU = "GPU-live-free";

  private DcgmExporter() {}

  static HttpServer start() {
    AtomicLong energyMj = new AtomicLong(1_000_000_000L);
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/metrics", exchange -> {
        long energy = energyMj.addAndGet(400_000); // 400 W for a second
        String held = "gpu=\"0\",UUID=\"" + HELD_GPU + "\",modelName=\"NVIDIA H200\",Hostname=\"node-1\","
            + "container=\"scorer\",namespace=\"risk\",pod=\"fraud-scorer-0\"";
        String free = "gpu=\"1\",UUID=\"" + FREE_GPU + "\",modelName=\"NVIDIA H200\",Hostname=\"node-1\","
            + "container=\"\",namespace=\"\",pod=\"\"";
        byte[] body = ("# TYPE DCGM_FI_DEV_GPU_UTIL gauge\n"
            + "DCGM_FI_DEV_GPU_UTIL{" + held + "} 71\n"
            + "DCGM_FI_DEV_GPU_UTIL{" + free + "} 0\n"
            + "# TYPE DCGM_FI_DEV_FB_USED gauge\n"
            + "DCGM_FI_DEV_FB_USED{" + held + "} 40960\n"
            + "DCGM_FI_DEV_FB_USED{" + free + "} 0\n"
            + "# TYPE DCGM_FI_DEV_POWER_USAGE gauge\n"
            + "DCGM_FI_DEV_POWER_USAGE{" + held + "} 400.0\n"
            + "DCGM_FI_DEV_POWER_USAGE{" + free + "} 70.0\n"
            + "# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter\n"
            + "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{" + held + "} " + energy + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
