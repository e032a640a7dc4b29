package dev.aifactory.serving.audit;

import dev.aifactory.scoring.sink.InferenceUsage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meters the serving API's decisions for the cost job, per tenant: every interval, one
 * {@link InferenceUsage} record per tenant and model that scored since the last (team = the
 * tenant, workload class {@code sync_inference}), on the usage topic the scoring job meters to.
 * The cost job's unit economics are keyed by team, so each tenant gets its own. Fallback
 * decisions ran no model and are not metered as predictions. A record that cannot be sent is
 * logged with its counts.
 */
public final class UsageMeter implements AutoCloseable {

  public static final String WORKLOAD_CLASS = "sync_inference";
  private static final Logger LOG = LoggerFactory.getLogger(UsageMeter.class);

  private record Key(String tenant, String model) {}

  private static final class Sums {
    long rows;
    double inferenceMs;
  }

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final String job;
  private final String instance = UUID.randomUUID().toString().substring(0, 8);
  private final ScheduledExecutorService timer;
  private Map<Key, Sums> pending = new HashMap<>();
  private long sequence;

  public UsageMeter(String bootstrap, Properties producerProperties, String topic, String job, Duration interval) {
    this.producer = Producers.create(bootstrap, producerProperties, 1000);
    this.topic = topic;
    this.job = job;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "usage-meter");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::flush, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One decision the model scored for {@code tenant}. */
  public synchronized void scored(String tenant, String model, long inferenceMicros) {
    Sums sums = pending.computeIfAbsent(new Key(tenant, model), k -> new Sums());
    sums.rows++;
    sums.inferenceMs += inferenceMicros / 1000.0;
  }

  private void flush() {
    Map<Key, Sums> due;
    synchronized (this) {
      due = pending;
      pending = new HashMap<>();
    }
    long now = System.currentTimeMillis();
    due.forEach((key, sums) -> {
      String eventId = job + "/" + instance + "/" + (sequence++);
      byte[] usage = InferenceUsage.encode(eventId, now, job + "/" + instance, null, sums.rows, sums.rows, sums.inferenceMs,
          key.tenant(), WORKLOAD_CLASS, job, key.model());
      try {
        producer.send(new ProducerRecord<>(topic, null, now, eventId.getBytes(StandardCharsets.UTF_8), usage), (m, e) -> {
          if (e != null) {
            LOG.error("usage of tenant {} ({} decisions of {}) was not metered: {}", key.tenant(), sums.rows, key.model(), e.toString());
          }
        });
      } catch (RuntimeException e) {
        LOG.error("usage of tenant {} ({} decisions of {}) was not metered: {}", key.tenant(), sums.rows, key.model(), e.toString());
      }
    });
  }

  @Override
  public void close() {
    timer.shutdownNow();
    flush();
    producer.close(Duration.ofSeconds(10));
  }
}
