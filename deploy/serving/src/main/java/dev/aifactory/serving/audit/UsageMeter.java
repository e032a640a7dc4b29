package dev.aifactory.serving.audit;

import dev.aifactory.schemas.telemetry.ProcessCpu;
import dev.aifactory.schemas.telemetry.CpuSample;
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
 * Meters the serving API for the cost job, per tenant, on the usage topic the scoring job meters
 * to. Every interval:
 * <ul>
 *   <li>one {@link InferenceUsage} record per tenant and model that scored since the last (team =
 *       the tenant, workload class {@code sync_inference}). Fallback decisions ran no model and
 *       are not metered as predictions;</li>
 *   <li>the process's own CPU over the interval as {@code cpu} samples of the instance, one per
 *       tenant and model ({@link CpuShares}), stamped at the interval's start so that each stands
 *       for exactly the interval it measured, with the cores the process may use as capacity.
 *       The cost job prices them as co-tenants of one host and charges what they leave idle as
 *       idle; its unit economics join each tenant's CPU cost with its decisions (both keyed by
 *       team, workload class and model).</li>
 * </ul>
 * The cost job's unit economics are keyed by team, so each tenant gets its own. A record that
 * cannot be sent is logged with its counts.
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
  private final String owner;
  private final double capacityCores;
  private final ScheduledExecutorService timer;
  private Map<Key, Sums> pending = new HashMap<>();
  private CpuShares requests = new CpuShares();
  private final ProcessCpu cpu = new ProcessCpu();
  private long sequence;

  /**
   * @param owner the team that runs the service: it pays for CPU no tenant asked for
   * @param capacityCores the cores the process may use (its CPU request or limit on Kubernetes)
   */
  public UsageMeter(String bootstrap, Properties producerProperties, String topic, String job, Duration interval, String owner,
      double capacityCores) {
    this.producer = Producers.create(bootstrap, producerProperties, 1000);
    this.topic = topic;
    this.job = job;
    this.owner = owner;
    this.capacityCores = capacityCores;
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

  /** One request at its end: {@code tenant} null when none was identified, {@code model} null when none scored it. */
  public synchronized void requested(String tenant, String model) {
    requests.requested(tenant, model);
  }

  private void flush() {
    Map<Key, Sums> due;
    CpuShares used;
    ProcessCpu.Interval interval;
    synchronized (this) {
      due = pending;
      pending = new HashMap<>();
      used = requests;
      requests = new CpuShares();
      interval = cpu.next();
    }
    long now = System.currentTimeMillis();
    String resource = job + "/" + instance;
    due.forEach((key, sums) -> {
      String eventId = nextEventId();
      send(eventId, now, InferenceUsage.encode(eventId, now, resource, null, sums.rows, sums.rows, sums.inferenceMs, key.tenant(),
          WORKLOAD_CLASS, job, key.model()), "tenant " + key.tenant() + " (" + sums.rows + " decisions of " + key.model() + ")");
    });
    for (CpuShares.Share share : used.split(interval.cores(), owner)) {
      String eventId = nextEventId();
      send(eventId, interval.startMillis(), CpuSample.encode(eventId, interval.startMillis(), resource, share.cores(), null,
          capacityCores, null, share.team(), WORKLOAD_CLASS, job, share.model()), "CPU of " + share.team() + " (" + share.cores() + " cores)");
    }
  }

  private String nextEventId() {
    return job + "/" + instance + "/" + (sequence++);
  }

  private void send(String eventId, long time, byte[] usage, String what) {
    try {
      producer.send(new ProducerRecord<>(topic, null, time, eventId.getBytes(StandardCharsets.UTF_8), usage), (m, e) -> {
        if (e != null) {
          LOG.error("usage of {} was not metered: {}", what, e.toString());
        }
      });
    } catch (RuntimeException e) {
      LOG.error("usage of {} was not metered: {}", what, e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    flush();
    producer.close(Duration.ofSeconds(10));
  }
}
