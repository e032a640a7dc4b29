package dev.aifactory.benchmarks.faults;

import dev.aifactory.launcher.cluster.JobJars;
import dev.aifactory.launcher.cluster.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Runs faults, one drill each, against the ingest job on a running local stack under steady
 * load: the job from the start of its topic, the load, a warm-up of several checkpoints, the
 * fault, more load, then until silver holds every acknowledged event (or the settle time ends),
 * and a count of every output by event id and offset.
 */
public final class FaultMatrix {

  /**
   * @param eventsPerSecond the steady load
   * @param warmUp load before the fault (a few of the cluster's checkpoints)
   * @param loadAfter load after the failed component is back
   * @param settle how long the job may take to hold every event once the load stops
   */
  public record Settings(int eventsPerSecond, Duration warmUp, Duration loadAfter, Duration settle) {}

  private final LocalStack stack;
  private final JobJars.JobJar ingest;
  private final Settings settings;

  public FaultMatrix(LocalStack stack, JobJars.JobJar ingest, Settings settings) {
    this.stack = stack;
    this.ingest = ingest;
    this.settings = settings;
  }

  /** Each fault's outcome, in order; a drill that failed to run says why. */
  List<FaultOutcome> run(List<Fault> faults) throws Exception {
    List<FaultOutcome> outcomes = new ArrayList<>();
    try (SchemaRegistryOutage registry = new SchemaRegistryOutage()) {
      for (Fault fault : faults) {
        Drill drill = new Drill(fault.name().replace('_', '-'), stack, registry, ingest);
        String reason = fault.unavailableReason(drill);
        FaultOutcome outcome = reason != null ? FaultOutcome.notRun(fault, reason) : drill(fault, drill);
        System.out.println("fault drill: " + outcome.toJson());
        outcomes.add(outcome);
      }
    }
    return outcomes;
  }

  private FaultOutcome drill(Fault fault, Drill drill) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(drill.rawTopic, 2, (short) 1))).all().get();
    }
    drill.submit(null);
    awaitRunning(drill, Duration.ofMinutes(3));
    SilverSamples samples = new SilverSamples(drill).start();
    SteadyLoad load = new SteadyLoad(stack.bootstrapServers(), drill.rawTopic, settings.eventsPerSecond(),
        drill.registry.registerWriterRelease("steady"), fault.name().hashCode());
    drill.attach(load);
    Map<String, Object> details = new LinkedHashMap<>();
    String error = null;
    long faultAt = 0;
    long back = 0;
    boolean recovered = false;
    try {
      load.start();
      Thread.sleep(settings.warmUp().toMillis());
      drill.markFaultStart();
      try {
        fault.inject(drill);
      } catch (Exception e) {
        error = e.toString();
      }
      faultAt = drill.faultStartedAt();
      back = System.nanoTime();
      Thread.sleep(settings.loadAfter().toMillis());
      load.stop();
      long acked = load.acked().size();
      long deadline = System.nanoTime() + settings.settle().toNanos();
      while (error == null && System.nanoTime() < deadline && !(samples.latest() >= acked && running(drill))) {
        Thread.sleep(1_000);
      }
      recovered = error == null && samples.latest() >= acked && running(drill);
      details.put("job_restores", restores(drill));
    } finally {
      load.close();
      samples.stop();
      cancel(drill);
    }
    ExactlyOnceCount count = new ExactlyOnceCount(drill, load.acked().keySet());
    // The same measure in steady state: from 15 s before the fault, and only if reached before
    // it (10 s checkpoints make events visible within about 11 s).
    double steady = samples.secondsUntil(faultAt - Duration.ofSeconds(15).toNanos(), faultAt, load);
    double catchUp = samples.secondsUntil(back, Long.MAX_VALUE, load);
    details.put("outage_seconds", round((back - faultAt) / 1e9));
    details.put("steady_state_seconds_until_in_silver", Double.isNaN(steady) ? null : round(steady));
    details.put("messages_sent", load.sent());
    details.put("events_acknowledged", load.acked().size());
    details.put("sends_failed", load.failed());
    details.putAll(count.details());
    details.putAll(drill.notes());
    details.put("error", error);
    return new FaultOutcome(fault.name(), fault.label(), fault.description(), recovered, round(catchUp), count.lost(), count.doubled(), details);
  }

  private static boolean running(Drill drill) {
    try {
      return drill.flink.allTasksRunning(drill.jobId());
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Restores of the job running now from its checkpoints (a resubmitted job counts its first). */
  private static long restores(Drill drill) {
    try {
      return drill.flink.checkpoints(drill.jobId()).path("counts").path("restored").asLong();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static void awaitRunning(Drill drill, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!running(drill)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the ingest job of drill " + drill.name + " did not start within " + timeout);
      }
      Thread.sleep(500);
    }
  }

  private static void cancel(Drill drill) {
    try {
      drill.flink.cancel(drill.jobId());
      drill.flink.awaitState(drill.jobId(), Duration.ofMinutes(2), "CANCELED", "FAILED", "FINISHED");
    } catch (Exception e) {
      System.out.println("could not cancel " + drill.jobId() + ": " + e);
    }
  }

  static double round(double v) {
    return Double.isNaN(v) ? v : Math.round(v * 100) / 100.0;
  }

  /** The silver table's row count every half second, to time when events became visible. */
  private static final class SilverSamples {
    private final Drill drill;
    private final List<long[]> samples = new ArrayList<>(); // {nanoTime, rows}
    private final Thread thread;
    private volatile boolean running = true;

    SilverSamples(Drill drill) {
      this.drill = drill;
      this.thread = new Thread(this::sample, "silver-samples-" + drill.name);
    }

    SilverSamples start() {
      thread.start();
      return this;
    }

    private void sample() {
      while (running) {
        long rows = drill.silverRows();
        if (rows >= 0) {
          synchronized (samples) {
            samples.add(new long[] {System.nanoTime(), rows});
          }
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    long latest() {
      synchronized (samples) {
        return samples.isEmpty() ? 0 : samples.get(samples.size() - 1)[1];
      }
    }

    /**
     * Seconds from {@code from} until silver held every event acknowledged by then; NaN if it did
     * not before {@code until}.
     */
    double secondsUntil(long from, long until, SteadyLoad load) {
      long wanted = load.ackedBefore(from);
      synchronized (samples) {
        for (long[] s : samples) {
          if (s[0] >= from && s[0] < until && s[1] >= wanted) {
            return (s[0] - from) / 1e9;
          }
        }
      }
      return Double.NaN;
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
    }
  }
}
