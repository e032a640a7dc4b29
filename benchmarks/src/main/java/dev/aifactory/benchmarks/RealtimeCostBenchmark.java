package dev.aifactory.benchmarks;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.materialize.PerEventFeatures;
import dev.aifactory.features.model.FeatureInput;
import dev.aifactory.features.model.FeatureRow;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * Per-event CPU of the features operator ({@link PerEventFeatures}, card_activity, RocksDB) for
 * a hot card against many quiet ones, the same number of events over the same 7 days:
 * <ul>
 *   <li>{@code hot}: one card with {@code events} payments, spread evenly (500,000 is one every 1.2 s);
 *   <li>{@code spread}: {@code events / 5} cards with 5 payments each, at random times.
 * </ul>
 * Events come in time order with the watermark 30 s behind, so decay, TTL and cleanup timers
 * run as in production. The operator runs in Flink's operator test harness on this thread, and
 * its thread CPU time is what is measured: no source, network or sink in the way. Rounds
 * alternate hot and spread; medians are reported.
 */
public final class RealtimeCostBenchmark {

  static final long DAY = 86_400_000L;

  private RealtimeCostBenchmark() {}

  /** Per-event CPU in microseconds: {@code hot}, {@code spread}, and their ratio. */
  static Map<String, Object> measure(int events, int rounds) throws Exception {
    FeatureView view = FeatureViews.load("card_activity");
    List<FeatureInput> hot = hot(events);
    List<FeatureInput> spread = spread(events);
    run(view, hot.subList(0, Math.min(50_000, events))); // warm-up: JIT, RocksDB's native library
    System.out.println("warmed up");
    Map<String, List<Double>> micros = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      micros.computeIfAbsent("hot", k -> new ArrayList<>()).add(run(view, hot));
      micros.computeIfAbsent("spread", k -> new ArrayList<>()).add(run(view, spread));
      System.out.printf("round %d: hot %.2f us/event, spread %.2f us/event%n", round + 1,
          micros.get("hot").get(round), micros.get("spread").get(round));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    double hotMicros = BenchmarkReport.median(micros.get("hot"));
    double spreadMicros = BenchmarkReport.median(micros.get("spread"));
    out.put("hot_cpu_us_per_event", round2(hotMicros));
    out.put("spread_cpu_us_per_event", round2(spreadMicros));
    out.put("hot_key_cost_ratio", round2(hotMicros / spreadMicros));
    out.put("rounds_us_per_event", micros);
    out.put("events", events);
    out.put("spread_entities", events / 5);
    return out;
  }

  /** Thread CPU per event, in microseconds, of one run of the operator over {@code events}. */
  static double run(FeatureView view, List<FeatureInput> events) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new PerEventFeatures(view, false)),
        (FeatureInput i) -> i.entity, Types.STRING)) {
      EmbeddedRocksDBStateBackend rocksdb = new EmbeddedRocksDBStateBackend();
      // The harness gives RocksDB almost no managed memory, and it would flush its memtable on
      // every write; a TaskManager gives it hundreds of MB. RocksDB's own defaults stand in.
      rocksdb.getMemoryConfiguration().setUseManagedMemory(false);
      h.setStateBackend(rocksdb);
      h.open();
      long start = threads.getCurrentThreadCpuTime();
      int i = 0;
      for (FeatureInput e : events) {
        h.processElement(new StreamRecord<>(e, e.eventTime));
        if (++i % 1_000 == 0) {
          h.processWatermark(e.eventTime - 30_000);
          h.getOutput().clear(); // rows are counted, not kept: memory stays flat
        }
      }
      long cpu = threads.getCurrentThreadCpuTime() - start;
      return cpu / 1_000.0 / events.size();
    }
  }

  static List<FeatureInput> hot(int n) {
    Random random = new Random(1);
    List<FeatureInput> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(input("hot-card", "h" + i, (long) i * 7 * DAY / n, random));
    }
    return out;
  }

  static List<FeatureInput> spread(int n) {
    Random random = new Random(2);
    List<FeatureInput> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(input("card-" + (i / 5), "s" + i, (long) (random.nextDouble() * 7 * DAY), random));
    }
    out.sort(java.util.Comparator.comparingLong(e -> e.eventTime));
    return out;
  }

  /** A payment as card_activity reads it: amount; merchant and country for the distinct counts. */
  static FeatureInput input(String card, String id, long time, Random random) {
    return new FeatureInput(card, id, time, new double[] {1 + random.nextInt(50_000) / 100.0},
        new String[] {"m-" + random.nextInt(30), random.nextInt(10) == 0 ? "FR" : "DE"});
  }

  static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = BenchmarkReport.args(args);
    Map<String, Object> result = measure(Integer.parseInt(options.getOrDefault("events", "500000")),
        Integer.parseInt(options.getOrDefault("rounds", "3")));
    System.out.println(result);
  }
}
