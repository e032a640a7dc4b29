package dev.aifactory.cost.window;

import dev.aifactory.cost.model.Labels;
import dev.aifactory.cost.model.ResourceWindow;
import dev.aifactory.cost.model.Sample;
import dev.aifactory.cost.prices.PriceBook;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One resource's window, computed from its samples: pure, so the operator, the oracle test and
 * the backfill agree by construction on what a window means.
 *
 * <ul>
 *   <li><b>Coverage</b>: a sample stands for the time until the next sample, at most
 *       {@code maxIntervalMs}; longer silences are gaps, neither used nor charged.
 *   <li><b>Utilization</b>: GPU util percent; for CPU, cores used over cores requested (over
 *       capacity when nothing is requested), clipped to [0, 1]. Average and p95 are weighted by
 *       the time each sample stands for; busy time is utilization times covered time.
 *   <li><b>Energy</b>: the energy counter's increase since the previous sample, in the window of
 *       the later sample; a counter lower than before was reset, and counts from zero. Without a
 *       counter, power times covered time.
 *   <li><b>Cost</b> (OpenCost's model): the asset costs its hourly price for the covered time
 *       (a GPU; a CPU node's capacity, or what the workload holds when capacity is unknown); the
 *       workload is charged max(request, usage) of it (a GPU is requested whole unless
 *       {@code unallocated}); idle is the asset less the workload. Memory (GB-hours) and energy
 *       (kWh) are charged to the workload.
 * </ul>
 */
public final class WindowCalculator {

  private WindowCalculator() {}

  /**
   * The window {@code [start, end)} of one resource. {@code samples} are sorted by time, hold
   * every sample before {@code end}, and at least the one before {@code start} if there is one.
   */
  public static List<ResourceWindow> compute(List<Sample> samples, long start, long end, long maxIntervalMs, PriceBook prices) {
    Map<Labels, Accumulator> groups = new LinkedHashMap<>();
    double totalCovered = 0;
    long firstSeen = samples.isEmpty() ? end : samples.get(0).time;
    // Samples of one instant are co-tenants of the resource (pods time-slicing a GPU, MIG
    // instances of one GPU, workloads on one host's CPUs): each stands for the interval until
    // the next instant, and the resource's asset, power and energy are split between them.
    for (int i = 0; i < samples.size(); ) {
      long instant = samples.get(i).time;
      if (instant >= end) {
        break;
      }
      int next = i;
      while (next < samples.size() && samples.get(next).time == instant) {
        next++;
      }
      double[] shares = shares(samples, i, next);
      long intervalEnd = instant + maxIntervalMs;
      if (next < samples.size()) {
        intervalEnd = Math.min(intervalEnd, samples.get(next).time);
      }
      long from = Math.max(instant, start);
      long to = Math.min(intervalEnd, end);
      double seconds = to > from ? (to - from) / 1000.0 : 0;
      boolean inWindow = instant >= start;
      Sample previous = i > 0 ? samples.get(i - 1) : null; // a sample of the previous instant
      for (int k = i; k < next; k++) {
        Sample cur = samples.get(k);
        double share = shares[k - i];
        if (seconds == 0 && !inWindow) {
          continue;
        }
        Accumulator acc = groups.computeIfAbsent(cur.labels, l -> new Accumulator(cur, start, prices));
        if (inWindow) {
          acc.samples++;
          acc.addEnergyReading(previous, cur, share);
        }
        if (seconds > 0) {
          acc.cover(cur, seconds, share);
          totalCovered += seconds * share;
        }
      }
      i = next;
    }
    double observed = Math.max(0, (end - Math.max(start, firstSeen)) / 1000.0);
    double gap = Math.max(0, observed - totalCovered);
    List<ResourceWindow> out = new ArrayList<>();
    Accumulator widest = null;
    for (Accumulator acc : groups.values()) {
      if (widest == null || acc.covered > widest.covered) {
        widest = acc;
      }
    }
    for (Accumulator acc : groups.values()) {
      out.add(acc.result(start, end, acc == widest ? gap : 0));
    }
    return out;
  }

  /**
   * Each co-tenant's part of the resource at one instant ({@code samples[from, to)}): a MIG
   * instance owns the share it reports (its slices; scaled down if an instant's shares exceed
   * the GPU); co-tenants without a share (pods time-slicing a GPU, workloads on one host) split
   * what no share claims equally.
   */
  static double[] shares(List<Sample> samples, int from, int to) {
    double claimed = 0;
    int unclaimed = 0;
    for (int k = from; k < to; k++) {
      double s = samples.get(k).gpuShare;
      if (Double.isNaN(s)) {
        unclaimed++;
      } else {
        claimed += s;
      }
    }
    double scale = claimed > 1 ? 1 / claimed : 1;
    double rest = unclaimed == 0 ? 0 : Math.max(0, 1 - claimed * scale) / unclaimed;
    double[] shares = new double[to - from];
    for (int k = from; k < to; k++) {
      double s = samples.get(k).gpuShare;
      shares[k - from] = Double.isNaN(s) ? rest : s * scale;
    }
    return shares;
  }

  /** CPU or GPU utilization of a sample, in [0, 1]. */
  static double utilization(Sample s) {
    double u;
    if (s.isGpu()) {
      u = Double.isNaN(s.gpuUtilPct) ? 0 : s.gpuUtilPct / 100;
    } else {
      double used = orZero(s.cpuCoresUsed);
      double base = s.cpuCoresRequested > 0 ? s.cpuCoresRequested : s.cpuCoresCapacity > 0 ? s.cpuCoresCapacity : 0;
      u = base > 0 ? used / base : 0;
    }
    return Math.max(0, Math.min(1, u));
  }

  static double orZero(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private static final class Accumulator {
    final Sample first;
    final PriceBook.Quote main;
    final PriceBook.Quote memory;
    final PriceBook.Quote energy;
    int samples;
    double covered;
    double busy;
    double energyKwh;
    boolean counterSeen;
    double powerKwh;
    double quantity;
    double asset;
    double workload;
    double memoryCost;
    double memoryGbHours;
    double gpuMemoryMax = Double.NaN;
    final List<double[]> utilizations = new ArrayList<>();

    Accumulator(Sample first, long windowStart, PriceBook prices) {
      this.first = first;
      this.main = first.isGpu() ? prices.at(PriceBook.GPU_HOUR, first.acceleratorType, windowStart)
          : prices.at(PriceBook.VCPU_HOUR, null, windowStart);
      this.memory = prices.at(PriceBook.GB_HOUR, null, windowStart);
      this.energy = prices.at(PriceBook.KWH, null, windowStart);
    }

    void addEnergyReading(Sample previous, Sample cur, double share) {
      if (cur.energyMj < 0) {
        return;
      }
      counterSeen = true;
      if (previous == null || previous.energyMj < 0) {
        return; // the first reading is the baseline
      }
      long delta = cur.energyMj >= previous.energyMj ? cur.energyMj - previous.energyMj : cur.energyMj;
      energyKwh += delta / 3.6e9 * share;
    }

    /** {@code share}: this sample's part of the resource at its instant (1 / co-tenants). */
    void cover(Sample s, double seconds, double share) {
      // A resource with an energy counter is measured by it alone, also where a window has no
      // reading of its own (its energy is in the next reading's increase).
      counterSeen |= s.energyMj >= 0;
      double hours = seconds / 3600;
      double u = utilization(s);
      covered += seconds;
      busy += u * seconds;
      utilizations.add(new double[] {u, seconds});
      if (!Double.isNaN(s.powerW)) {
        powerKwh += s.powerW * hours * share / 1000;
      }
      if (s.isGpu()) {
        // A co-tenant holds its share of the GPU; the GPU's utilization is the GPU's, not its own.
        double request = s.labels.allocated() ? 1 : 0;
        quantity += hours * share;
        asset += hours * share * main.list();
        workload += hours * share * Math.max(request, u) * main.list();
      } else {
        // A CPU workload holds its own cores; the host's capacity (the asset) is split.
        double held = Math.max(orZero(s.cpuCoresRequested), orZero(s.cpuCoresUsed));
        double capacity = s.cpuCoresCapacity > 0 ? s.cpuCoresCapacity : held;
        quantity += hours * capacity * share;
        asset += hours * capacity * share * main.list();
        workload += hours * Math.min(capacity, held) * main.list();
      }
      if (!Double.isNaN(s.fbUsedMib)) {
        gpuMemoryMax = Double.isNaN(gpuMemoryMax) ? s.fbUsedMib : Math.max(gpuMemoryMax, s.fbUsedMib);
      }
      if (!Double.isNaN(s.memoryGb)) {
        memoryCost += hours * s.memoryGb * memory.list();
        memoryGbHours += hours * s.memoryGb;
      }
    }

    ResourceWindow result(long start, long end, double gap) {
      ResourceWindow w = new ResourceWindow();
      w.resourceId = first.resourceId;
      w.resourceType = first.resourceType;
      w.acceleratorType = first.acceleratorType;
      w.labels = first.labels;
      w.windowStart = start;
      w.windowEnd = end;
      w.samples = samples;
      w.coveredSeconds = covered;
      w.gapSeconds = gap;
      w.busySeconds = busy;
      w.idleSeconds = covered - busy;
      w.utilizationAvg = covered > 0 ? busy / covered : 0;
      w.utilizationP95 = weightedPercentile(utilizations, 0.95);
      w.energyKwh = counterSeen ? energyKwh : powerKwh;
      w.quantity = quantity;
      w.unit = first.isGpu() ? "GPU-Hours" : "vCPU-Hours";
      w.assetCost = asset;
      w.workloadCost = workload;
      w.idleCost = Math.max(0, asset - workload);
      w.memoryCost = memoryCost;
      w.memoryGbHours = memoryGbHours;
      w.gpuMemoryUsedMibMax = gpuMemoryMax;
      w.energyCost = w.energyKwh * energy.list();
      w.listPrice = main.list();
      w.contractedRatio = main.ratio();
      w.energyContractedRatio = energy.ratio();
      w.currency = main.currency();
      return w;
    }
  }

  /** The smallest value whose cumulative weight reaches {@code q} of the total. */
  static double weightedPercentile(List<double[]> valueWeight, double q) {
    if (valueWeight.isEmpty()) {
      return 0;
    }
    List<double[]> sorted = new ArrayList<>(valueWeight);
    sorted.sort((a, b) -> Double.compare(a[0], b[0]));
    double total = 0;
    for (double[] vw : sorted) {
      total += vw[1];
    }
    double cumulative = 0;
    for (double[] vw : sorted) {
      cumulative += vw[1];
      if (cumulative >= q * total - 1e-9) {
        return vw[0];
      }
    }
    return sorted.get(sorted.size() - 1)[0];
  }
}
