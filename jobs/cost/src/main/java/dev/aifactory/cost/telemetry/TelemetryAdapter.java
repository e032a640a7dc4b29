package dev.aifactory.cost.telemetry;

import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.telemetry.Usage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code factory telemetry}: scrapes a DCGM exporter's Prometheus endpoint every interval and
 * publishes one {@code Usage} sample per GPU to the usage topic, keyed by GPU, so real GPU nodes
 * feed the cost job.
 */
public final class TelemetryAdapter implements AutoCloseable {

  private final URI endpoint;
  private final String topic;
  private final DcgmUsage.Owners owners;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final KafkaProducer<byte[], byte[]> producer;

  public TelemetryAdapter(URI endpoint, String bootstrap, String topic, DcgmUsage.Owners owners) {
    this.endpoint = endpoint;
    this.topic = topic;
    this.owners = owners;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** One scrape: the GPUs' samples, published and flushed. */
  public List<Usage> scrapeOnce() throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(endpoint + " answered " + response.statusCode());
    }
    List<Usage> samples = DcgmUsage.from(PrometheusText.parse(response.body()), Instant.now(), owners);
    for (Usage u : samples) {
      producer.send(new ProducerRecord<>(topic, null, u.getEventTime().toEpochMilli(),
          u.getResourceId().getBytes(StandardCharsets.UTF_8), AvroWire.singleObject(u)));
    }
    producer.flush();
    return samples;
  }

  /** Scrapes every {@code interval}, {@code count} times (forever when negative); a failed scrape is reported and retried next time. */
  public void run(Duration interval, long count) throws InterruptedException {
    for (long i = 0; count < 0 || i < count; i++) {
      long started = System.nanoTime();
      try {
        List<Usage> samples = scrapeOnce();
        System.out.printf("%s: %d GPU samples from %s%n", Instant.now(), samples.size(), endpoint);
      } catch (IOException e) {
        System.err.printf("%s: scrape of %s failed: %s%n", Instant.now(), endpoint, e.getMessage());
      }
      Thread.sleep(Math.max(0, interval.toMillis() - (System.nanoTime() - started) / 1_000_000));
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
