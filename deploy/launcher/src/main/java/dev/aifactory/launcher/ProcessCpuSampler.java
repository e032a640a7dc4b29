package dev.aifactory.launcher;

import dev.aifactory.schemas.telemetry.CpuSample;
import dev.aifactory.schemas.telemetry.ProcessCpu;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The demo's own CPU as usage samples: the CPU time this process used on this host over each
 * interval (stamped at the interval's start, as the serving API's), charged to the workload it
 * runs at the time (there is no GPU exporter on a laptop; {@code factory telemetry}
 * feeds real GPU nodes).
 */
final class ProcessCpuSampler implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final double requestedCores;
  private final Thread thread;
  private final dev.aifactory.cost.model.Labels labels;
  private volatile boolean running = true;

  ProcessCpuSampler(String bootstrap, String topic, double requestedCores, long intervalMs, dev.aifactory.cost.model.Labels labels) {
    this.labels = labels;
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.topic = topic;
    this.requestedCores = requestedCores;
    this.thread = new Thread(() -> loop(intervalMs), "demo-cpu-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop(long intervalMs) {
    ProcessCpu cpu = new ProcessCpu();
    int cores = Runtime.getRuntime().availableProcessors();
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "localhost";
    }
    String resource = host + "/cpu";
    while (running) {
      try {
        Thread.sleep(intervalMs);
      } catch (InterruptedException e) {
        return;
      }
      ProcessCpu.Interval used = cpu.next();
      long at = used.startMillis();
      byte[] sample = CpuSample.encode(resource + "@" + at, at, resource, used.cores(), requestedCores, cores,
          (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1e9,
          labels.team, labels.workloadClass, labels.job, labels.model);
      producer.send(new ProducerRecord<>(topic, null, at, resource.getBytes(StandardCharsets.UTF_8), sample));
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5_000);
    producer.close();
  }
}
