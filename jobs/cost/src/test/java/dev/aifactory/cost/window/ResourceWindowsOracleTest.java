package dev.aifactory.cost.window;

import dev.aifactory.common.deadletter.DeadLetter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.aifactory.cost.model.Labels;
import dev.aifactory.cost.model.Rejected;
import dev.aifactory.cost.model.ResourceWindow;
import dev.aifactory.cost.model.Sample;
import dev.aifactory.cost.prices.PriceBook;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every window the operator emits, against a brute-force recomputation second by second from
 * the raw samples: random GPU and CPU resources with gaps, counter resets, duplicates, workload
 * changes, and samples arriving out of order, late within the allowed lateness, and too late.
 */
class ResourceWindowsOracleTest {

  static final long SECOND = 1000;
  static final long[] SIZES = {60 * SECOND, 300 * SECOND};
  static final long MAX_INTERVAL = 20 * SECOND;
  static final long LATENESS = 60 * SECOND;
  static final PriceBook PRICES = new PriceBook(List.of(
      new PriceBook.Entry(PriceBook.GPU_HOUR, "H200", 4.0, 3.0, "USD", Long.MIN_VALUE),
      new PriceBook.Entry(PriceBook.VCPU_HOUR, null, 0.04, 0.04, "USD", Long.MIN_VALUE),
      new PriceBook.Entry(PriceBook.GB_HOUR, null, 0.005, 0.005, "USD", Long.MIN_VALUE),
      new PriceBook.Entry(PriceBook.KWH, null, 0.2, 0.2, "USD", Long.MIN_VALUE)));

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void everyWindowMatchesABruteForceRecomputation(long seed) throws Exception {
    Random random = new Random(seed);
    List<Sample> all = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      all.addAll(resource(random, "res-" + r, r != 1));
    }
    // Arrival order: by time, with local shuffles (out of order within a few seconds), some
    // samples held back (late), and redeliveries.
    List<Sample> arrival = new ArrayList<>(all);
    arrival.sort((a, b) -> Long.compare(a.time, b.time));
    for (int i = 0; i + 3 < arrival.size(); i += 3) {
      Collections.shuffle(arrival.subList(i, i + 3), random);
    }
    List<Sample> heldBack = new ArrayList<>();
    List<Sample> ordered = new ArrayList<>();
    java.util.Set<String> heldBackIds = new java.util.HashSet<>();
    for (Sample s : arrival) {
      boolean held = random.nextDouble() < 0.05;
      (held ? heldBack : ordered).add(s);
      if (held) {
        heldBackIds.add(s.eventId);
      }
      if (!held && random.nextDouble() < 0.03) {
        ordered.add(s);
      }
    }

    ResourceWindows function = new ResourceWindows(SIZES, MAX_INTERVAL, LATENESS, PRICES);
    Map<String, ResourceWindow> finalWindows = new HashMap<>();
    List<DeadLetter> rejected = new ArrayList<>();
    List<Sample> accepted = new ArrayList<>(all);
    try (var h = new KeyedTwoInputStreamOperatorTestHarness<>(new CoBroadcastWithKeyedOperator<>(function, List.of(ResourceWindows.PRICES)),
        (Sample s) -> s.resourceId, (PriceBook.Entry e) -> "", Types.STRING)) {
      h.open();
      long maxSeen = Long.MIN_VALUE;
      int sinceHeld = 0;
      for (Sample s : ordered) {
        h.processElement1(new StreamRecord<>(s, s.time));
        maxSeen = Math.max(maxSeen, s.time);
        h.processBothWatermarks(new Watermark(maxSeen - 5 * SECOND));
        // Held-back samples arrive some time later: most within the lateness, some after it.
        if (++sinceHeld % 40 == 0 && !heldBack.isEmpty()) {
          Sample late = heldBack.remove(0);
          h.processElement1(new StreamRecord<>(late, late.time));
        }
      }
      for (Sample late : heldBack) {
        h.processElement1(new StreamRecord<>(late, late.time));
      }
      h.processBothWatermarks(new Watermark(Long.MAX_VALUE));
      for (ResourceWindow w : h.extractOutputValues()) {
        String key = key(w);
        ResourceWindow before = finalWindows.get(key);
        if (w.revision > 0) {
          assertThat(before).as("a correction follows the row it corrects").isNotNull();
          assertThat(w.revision).isEqualTo(before.revision + 1);
          assertThat(w.previous.workloadCost).isEqualTo(before.workloadCost);
        }
        finalWindows.put(key, w);
      }
      for (var r : h.getSideOutput(ResourceWindows.REJECTED)) {
        rejected.add(r.getValue());
      }
    }
    // A too-late sample is not in the windows: it is in the rejected output.
    long corrected = finalWindows.values().stream().filter(w -> w.revision > 0).count();
    assertThat(rejected.size() + corrected).as("held-back samples corrected windows or were rejected").isPositive();
    for (DeadLetter r : rejected) {
      assertThat(r.reason).isEqualTo(Rejected.LATE);
      assertThat(heldBackIds).as("only samples that arrived late are rejected").contains(r.eventId);
      accepted.removeIf(s -> s.eventId.equals(r.eventId));
    }

    Map<String, ResourceWindow> expected = bruteForce(accepted);
    assertThat(finalWindows.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (var e : expected.entrySet()) {
      ResourceWindow want = e.getValue();
      ResourceWindow got = finalWindows.get(e.getKey());
      String at = e.getKey();
      assertThat(got.samples).as(at).isEqualTo(want.samples);
      assertThat(got.coveredSeconds).as(at).isCloseTo(want.coveredSeconds, within(1e-9));
      assertThat(got.busySeconds).as(at).isCloseTo(want.busySeconds, within(1e-6));
      assertThat(got.utilizationP95).as(at).isCloseTo(want.utilizationP95, within(1e-9));
      assertThat(got.energyKwh).as(at).isCloseTo(want.energyKwh, within(1e-12));
      assertThat(got.assetCost).as(at).isCloseTo(want.assetCost, within(1e-9));
      assertThat(got.workloadCost).as(at).isCloseTo(want.workloadCost, within(1e-9));
      assertThat(got.idleCost).as(at).isCloseTo(want.assetCost - want.workloadCost, within(1e-9));
      assertThat(got.gapSeconds).as(at).isCloseTo(want.gapSeconds, within(1e-9));
    }
  }

  @Test
  void aLateSampleInAGapMovesEnergyBetweenWindowsWithoutCountingItTwice() throws Exception {
    // GPU counter readings: 0 J at 1:00, then silence (a gap, longer than the max interval), and
    // 1,000 J at 4:10. The 4:00 window holds the whole increase. A reading of 400 J taken at 2:10
    // arrives late (within the lateness): 400 J belong to the 2:00 window and 600 J to the 4:00
    // window; the increase is counted once in all.
    long base = 16_667 * 60 * SECOND; // on a minute
    ResourceWindows function = new ResourceWindows(new long[] {60 * SECOND}, MAX_INTERVAL, 300 * SECOND, PRICES);
    Map<String, ResourceWindow> finalWindows = new HashMap<>();
    try (var h = new KeyedTwoInputStreamOperatorTestHarness<>(new CoBroadcastWithKeyedOperator<>(function, List.of(ResourceWindows.PRICES)),
        (Sample s) -> s.resourceId, (PriceBook.Entry e) -> "", Types.STRING)) {
      h.open();
      Sample first = reading("a", base + 60 * SECOND, 0);
      Sample last = reading("c", base + 250 * SECOND, 1_000_000);
      h.processElement1(new StreamRecord<>(first, first.time));
      h.processElement1(new StreamRecord<>(last, last.time));
      h.processBothWatermarks(new Watermark(base + 300 * SECOND));
      Sample late = reading("b", base + 130 * SECOND, 400_000);
      h.processElement1(new StreamRecord<>(late, late.time));
      h.processBothWatermarks(new Watermark(Long.MAX_VALUE));
      for (ResourceWindow w : h.extractOutputValues()) {
        finalWindows.put(key(w), w);
      }
    }
    double kwh = 1_000_000 / 3.6e9;
    double total = finalWindows.values().stream().mapToDouble(w -> w.energyKwh).sum();
    assertThat(total).as("the counter's increase, once").isCloseTo(kwh, within(1e-15));
    assertThat(finalWindows.values().stream().filter(w -> w.windowStart == base + 120 * SECOND).findFirst().orElseThrow().energyKwh)
        .isCloseTo(0.4 * kwh, within(1e-15));
    assertThat(finalWindows.values().stream().filter(w -> w.windowStart == base + 240 * SECOND).findFirst().orElseThrow().energyKwh)
        .isCloseTo(0.6 * kwh, within(1e-15));
  }

  @Test
  void coTenantsOfOneInstantShareTheResourceInsteadOfOneBeingDropped() throws Exception {
    // Two pods time-slice a GPU, two workloads share a 16-core host: each sampled every 10 s, at
    // the same instants. Each gets a window; the GPU's asset (and the host's) is counted once.
    long base = 16_667 * 60 * SECOND;
    Labels risk = new Labels("risk", "online_inference", "scorer", "fraud:1");
    Labels growth = new Labels("growth", "online_inference", "ranker", "rank:3");
    List<Sample> samples = new ArrayList<>();
    for (long t = base; t <= base + 60 * SECOND; t += 10 * SECOND) {
      for (Labels holder : List.of(risk, growth)) {
        Sample gpu = reading(holder.job + "-gpu-" + t, t, -1);
        gpu.resourceId = "gpu-shared";
        gpu.labels = holder;
        samples.add(gpu);
        Sample cpu = new Sample();
        cpu.eventId = holder.job + "-cpu-" + t;
        cpu.time = t;
        cpu.resourceId = "host-1/cpu";
        cpu.resourceType = "cpu";
        cpu.labels = holder;
        cpu.cpuCoresCapacity = 16;
        cpu.cpuCoresRequested = holder == risk ? 2 : 4;
        cpu.cpuCoresUsed = 1;
        samples.add(cpu);
      }
    }
    List<ResourceWindow> windows = minuteWindows(base, samples);
    List<ResourceWindow> gpu = windows.stream().filter(w -> w.resourceId.equals("gpu-shared")).toList();
    List<ResourceWindow> cpu = windows.stream().filter(w -> w.resourceId.equals("host-1/cpu")).toList();
    assertThat(gpu).extracting(w -> w.labels.team).containsExactlyInAnyOrder("risk", "growth");
    double gpuMinute = 4.0 / 60;
    assertThat(gpu.stream().mapToDouble(w -> w.assetCost).sum()).as("one GPU-minute").isCloseTo(gpuMinute, within(1e-12));
    assertThat(gpu).allSatisfy(w -> assertThat(w.workloadCost).isCloseTo(gpuMinute / 2, within(1e-12)));
    assertThat(cpu).extracting(w -> w.labels.team).containsExactlyInAnyOrder("risk", "growth");
    double coreMinute = 0.04 / 60;
    assertThat(cpu.stream().mapToDouble(w -> w.assetCost).sum()).as("16 core-minutes").isCloseTo(16 * coreMinute, within(1e-12));
    assertThat(cpu).anySatisfy(w -> assertThat(w.workloadCost).isCloseTo(2 * coreMinute, within(1e-12)))
        .anySatisfy(w -> assertThat(w.workloadCost).isCloseTo(4 * coreMinute, within(1e-12)));
  }

  @Test
  void migInstancesPayForTheirSlicesAndTheFreeSlicesAreIdle() throws Exception {
    // An H200 split into a 3g and a 1g instance; 3 of its 7 slices are free (the adapter reports
    // them as an unallocated sample). Equal shares would charge the 1g instance as much as the 3g.
    long base = 16_667 * 60 * SECOND;
    Labels big = new Labels("risk", "online_inference", "big", "fraud:1");
    Labels small = new Labels("growth", "online_inference", "small", "rank:3");
    Labels free = new Labels("platform", Labels.UNALLOCATED, null, null);
    List<Sample> samples = new ArrayList<>();
    for (long t = base; t <= base + 60 * SECOND; t += 10 * SECOND) {
      for (Labels holder : List.of(big, small, free)) {
        Sample gpu = reading(holder.team + "-gpu-" + t, t, -1);
        gpu.resourceId = "gpu-mig";
        gpu.labels = holder;
        gpu.gpuShare = holder == small ? 1 / 7.0 : 3 / 7.0;
        gpu.gpuUtilPct = holder == free ? 0 : 50;
        samples.add(gpu);
      }
    }
    List<ResourceWindow> windows = minuteWindows(base, samples);
    double gpuMinute = 4.0 / 60;
    assertThat(windows.stream().mapToDouble(w -> w.assetCost).sum()).as("one GPU-minute").isCloseTo(gpuMinute, within(1e-12));
    ResourceWindow bigWindow = windows.stream().filter(w -> w.labels.team.equals("risk")).findFirst().orElseThrow();
    ResourceWindow smallWindow = windows.stream().filter(w -> w.labels.team.equals("growth")).findFirst().orElseThrow();
    ResourceWindow freeWindow = windows.stream().filter(w -> w.labels.team.equals("platform")).findFirst().orElseThrow();
    assertThat(bigWindow.workloadCost).isCloseTo(gpuMinute * 3 / 7, within(1e-12));
    assertThat(smallWindow.workloadCost).isCloseTo(gpuMinute / 7, within(1e-12));
    assertThat(freeWindow.workloadCost).isCloseTo(0, within(1e-15));
    assertThat(freeWindow.idleCost).as("the 3 free slices").isCloseTo(gpuMinute * 3 / 7, within(1e-12));
  }

  @Test
  void sharesAboveTheWholeGpuAreScaledAndUnclaimedCoTenantsSplitTheRest() {
    Sample a = new Sample();
    a.gpuShare = 0.8;
    Sample b = new Sample();
    b.gpuShare = 0.4;
    Sample c = new Sample();
    assertThat(WindowCalculator.shares(List.of(a, b, c), 0, 3)).containsExactly(new double[] {0.8 / 1.2, 0.4 / 1.2, 0}, within(1e-12));
    a.gpuShare = 0.5;
    Sample d = new Sample();
    assertThat(WindowCalculator.shares(List.of(a, c, d), 0, 3)).containsExactly(new double[] {0.5, 0.25, 0.25}, within(1e-12));
  }

  /** The one-minute windows from {@code base} that the shipped operator makes of {@code samples}. */
  private static List<ResourceWindow> minuteWindows(long base, List<Sample> samples) throws Exception {
    ResourceWindows function = new ResourceWindows(new long[] {60 * SECOND}, MAX_INTERVAL, LATENESS, PRICES);
    try (var h = new KeyedTwoInputStreamOperatorTestHarness<>(new CoBroadcastWithKeyedOperator<>(function, List.of(ResourceWindows.PRICES)),
        (Sample s) -> s.resourceId, (PriceBook.Entry e) -> "", Types.STRING)) {
      h.open();
      for (Sample s : samples) {
        h.processElement1(new StreamRecord<>(s, s.time));
      }
      h.processBothWatermarks(new Watermark(Long.MAX_VALUE));
      return h.extractOutputValues().stream().filter(w -> w.windowStart == base).toList();
    }
  }

  private static Sample reading(String id, long time, long energyMj) {
    Sample s = new Sample();
    s.eventId = id;
    s.time = time;
    s.resourceId = "gpu-energy";
    s.resourceType = "gpu";
    s.acceleratorType = "H200";
    s.labels = new Labels("risk", "online_inference", "scoring", "fraud:1");
    s.gpuUtilPct = 50;
    s.energyMj = energyMj;
    return s;
  }

  /** One resource over 15 minutes: samples every 5 s with gaps, a counter reset, a workload change. */
  static List<Sample> resource(Random random, String id, boolean gpu) {
    List<Sample> out = new ArrayList<>();
    long t = 1_000_000 * SECOND + random.nextInt(30) * SECOND;
    long counter = random.nextInt(1_000_000);
    Labels first = new Labels("risk", "online_inference", "scoring", "fraud:1");
    Labels second = new Labels("research", random.nextBoolean() ? "training" : Labels.UNALLOCATED, "run-7", null);
    int n = 0;
    while (t < 1_000_000 * SECOND + 900 * SECOND) {
      Sample s = new Sample();
      s.eventId = id + "-" + n++;
      s.time = t;
      s.resourceId = id;
      s.resourceType = gpu ? "gpu" : "cpu";
      s.acceleratorType = gpu ? "H200" : null;
      s.labels = t < 1_000_000 * SECOND + 450 * SECOND ? first : second;
      if (gpu) {
        s.gpuUtilPct = random.nextInt(101);
        s.powerW = 100 + random.nextInt(500);
        counter = random.nextDouble() < 0.03 ? random.nextInt(10_000) : counter + random.nextInt(3_000_000);
        s.energyMj = counter;
      } else {
        s.cpuCoresRequested = 4;
        s.cpuCoresUsed = random.nextDouble() * 6;
        s.cpuCoresCapacity = 16;
        s.memoryGb = 8 + random.nextInt(8);
        s.powerW = 50 + random.nextInt(100);
      }
      out.add(s);
      t += random.nextDouble() < 0.05 ? (25 + random.nextInt(60)) * SECOND : 5 * SECOND;
    }
    return out;
  }

  /** Second by second: which sample stands for each second, and the window's sums from that. */
  static Map<String, ResourceWindow> bruteForce(List<Sample> samples) {
    Map<String, TreeMap<Long, Sample>> byResource = new HashMap<>();
    for (Sample s : samples) {
      byResource.computeIfAbsent(s.resourceId, k -> new TreeMap<>()).putIfAbsent(s.time, s);
    }
    Map<String, ResourceWindow> out = new HashMap<>();
    for (TreeMap<Long, Sample> series : byResource.values()) {
      long first = series.firstKey();
      long last = series.lastKey();
      for (long size : SIZES) {
        for (long start = Math.floorDiv(first, size) * size; start <= last + MAX_INTERVAL; start += size) {
          Map<Labels, ResourceWindow> windows = new HashMap<>();
          double uncovered = 0;
          for (long sec = start; sec < start + size; sec += SECOND) {
            var at = series.floorEntry(sec);
            if (at == null) {
              continue;
            }
            var next = series.higherEntry(at.getKey());
            boolean covered = sec < at.getKey() + MAX_INTERVAL && (next == null || sec < next.getKey());
            if (!covered) {
              uncovered += 1;
              continue;
            }
            Sample s = at.getValue();
            ResourceWindow w = windows.computeIfAbsent(s.labels, l -> window(s, size));
            w.windowStart = start;
            double u = s.resourceType.equals("gpu") ? s.gpuUtilPct / 100 : Math.min(1, s.cpuCoresUsed / s.cpuCoresRequested);
            w.coveredSeconds += 1;
            w.busySeconds += u;
            perSecondUtil(w).add(u);
            double hour = 1 / 3600.0;
            if (s.resourceType.equals("gpu")) {
              w.assetCost += hour * 4.0;
              w.workloadCost += hour * 4.0 * Math.max(s.labels.allocated() ? 1 : 0, u);
            } else {
              double held = Math.max(s.cpuCoresRequested, s.cpuCoresUsed);
              w.assetCost += hour * 16 * 0.04;
              w.workloadCost += hour * Math.min(16, held) * 0.04;
              w.energyKwh += s.powerW / 3.6e6; // no counter: power for one second
            }
          }
          for (Sample s : series.subMap(start, start + size).values()) {
            ResourceWindow w = windows.computeIfAbsent(s.labels, l -> window(s, size));
            w.windowStart = start;
            w.samples++;
            var prev = series.lowerEntry(s.time);
            if (s.energyMj >= 0 && prev != null) {
              long before = prev.getValue().energyMj;
              w.energyKwh += (s.energyMj >= before ? s.energyMj - before : s.energyMj) / 3.6e9;
            }
          }
          ResourceWindow widest = null;
          for (ResourceWindow w : windows.values()) {
            List<Double> util = perSecondUtil(w);
            Collections.sort(util);
            w.utilizationP95 = util.isEmpty() ? 0 : util.get((int) Math.ceil(0.95 * util.size()) - 1);
            if (widest == null || w.coveredSeconds > widest.coveredSeconds) {
              widest = w;
            }
          }
          if (widest != null) {
            widest.gapSeconds = uncovered;
          }
          for (ResourceWindow w : windows.values()) {
            out.put(w.resourceId + "|" + size + "|" + start + "|" + w.labels, w);
          }
        }
      }
    }
    return out;
  }

  static final Map<ResourceWindow, List<Double>> UTIL = new java.util.IdentityHashMap<>();

  static List<Double> perSecondUtil(ResourceWindow w) {
    return UTIL.computeIfAbsent(w, k -> new ArrayList<>());
  }

  static ResourceWindow window(Sample s, long size) {
    ResourceWindow w = new ResourceWindow();
    w.resourceId = s.resourceId;
    w.resourceType = s.resourceType;
    w.labels = s.labels;
    w.windowEnd = size;
    return w;
  }

  static String key(ResourceWindow w) {
    return w.resourceId + "|" + (w.windowEnd - w.windowStart) + "|" + w.windowStart + "|" + w.labels;
  }
}
