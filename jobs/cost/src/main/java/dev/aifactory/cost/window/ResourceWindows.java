package dev.aifactory.cost.window;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.cost.model.Labels;
import dev.aifactory.cost.model.Rejected;
import dev.aifactory.cost.model.ResourceWindow;
import dev.aifactory.cost.model.Sample;
import dev.aifactory.cost.prices.PriceBook;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per resource, event-time tumbling windows of every configured size, computed by
 * {@link WindowCalculator} when the watermark passes a window's end.
 *
 * <ul>
 *   <li>Samples wait in keyed state (by time); a second sample at the same instant with the
 *       same labels is a redelivery and is dropped (counted); with other labels it is a
 *       co-tenant of the resource, and the resource is split between them.
 *   <li>A sample behind the watermark but within the allowed lateness recomputes the windows it
 *       touches that were already emitted; a changed window is emitted again with the next
 *       revision and the values it replaces. Later samples go to {@link #REJECTED}.
 *   <li>Prices come from the broadcast price list, in force at the window's start.
 *   <li>State holds samples only as long as an open or still-correctable window needs them.
 * </ul>
 */
public final class ResourceWindows extends KeyedBroadcastProcessFunction<String, Sample, PriceBook.Entry, ResourceWindow> {

  public static final OutputTag<DeadLetter> REJECTED = new OutputTag<>("rejected") {};
  public static final MapStateDescriptor<String, PriceBook.Entry> PRICES =
      new MapStateDescriptor<>("prices", Types.STRING, TypeInformation.of(PriceBook.Entry.class));

  private final long[] windowSizes;
  private final long maxIntervalMs;
  private final long latenessMs;
  private final PriceBook configured;
  private final long longestWindow;
  private final long bucket;

  /** Samples in buckets of the smallest window, each sorted by time: a window reads its own buckets only. */
  private transient MapState<Long, List<Sample>> buckets;
  private transient MapState<String, List<ResourceWindow>> emitted;
  /** The oldest bucket in state, so cleanup removes from it instead of scanning every bucket. */
  private transient ValueState<Long> oldestBucket;
  private transient Counter duplicates;
  private transient Counter corrections;
  private transient Counter late;

  public ResourceWindows(long[] windowSizes, long maxIntervalMs, long latenessMs, PriceBook configured) {
    this.windowSizes = windowSizes.clone();
    this.maxIntervalMs = maxIntervalMs;
    this.latenessMs = latenessMs;
    this.configured = configured;
    long longest = 0;
    for (long w : windowSizes) {
      if (w % 1000 != 0 || w <= 0) {
        throw new IllegalArgumentException("window sizes must be whole seconds: " + w);
      }
      longest = Math.max(longest, w);
    }
    this.longestWindow = longest;
    long shortest = Long.MAX_VALUE;
    for (long w : windowSizes) {
      shortest = Math.min(shortest, w);
    }
    for (long w : windowSizes) {
      if (w % shortest != 0) {
        throw new IllegalArgumentException("every window size must be a multiple of the shortest, " + shortest + " ms: " + w);
      }
    }
    this.bucket = shortest;
    if (latenessMs % 1000 != 0 || latenessMs < 0) {
      // Cleanup timers sit 1 ms after a whole second, so they never look like a window's end.
      throw new IllegalArgumentException("the allowed lateness must be whole seconds: " + latenessMs);
    }
  }

  @Override
  public void open(OpenContext openContext) {
    buckets = getRuntimeContext().getMapState(new MapStateDescriptor<>("samples", Types.LONG, Types.LIST(TypeInformation.of(Sample.class))));
    oldestBucket = getRuntimeContext().getState(new ValueStateDescriptor<>("oldest-bucket", Types.LONG));
    emitted = getRuntimeContext().getMapState(new MapStateDescriptor<>("emitted", Types.STRING,
        TypeInformation.of(new TypeHint<List<ResourceWindow>>() {})));
    duplicates = getRuntimeContext().getMetricGroup().counter("duplicateSamples");
    corrections = getRuntimeContext().getMetricGroup().counter("correctedWindows");
    late = getRuntimeContext().getMetricGroup().counter("lateSamples");
  }

  /** The configured prices plus the broadcast ones, rebuilt only when a price arrives. */
  private transient PriceBook cachedPrices;

  @Override
  public void processBroadcastElement(PriceBook.Entry price, Context ctx, Collector<ResourceWindow> out) throws Exception {
    ctx.getBroadcastState(PRICES).put(price.key(), price);
    cachedPrices = null;
  }

  @Override
  public void processElement(Sample sample, ReadOnlyContext ctx, Collector<ResourceWindow> out) throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    // (Before the first watermark it is Long.MIN_VALUE: subtracting would wrap around.)
    if (watermark != Long.MIN_VALUE && sample.time < watermark - latenessMs) {
      late.inc();
      ctx.output(REJECTED, Rejected.of(Rejected.LATE, "older than the watermark less the allowed lateness", sample.eventId,
          sample.resourceId, sample.time, watermark, ctx.timerService().currentProcessingTime()));
      return;
    }
    long bucketStart = Math.floorDiv(sample.time, bucket) * bucket;
    List<Sample> inBucket = buckets.get(bucketStart);
    boolean newBucket = inBucket == null;
    if (newBucket) {
      inBucket = new ArrayList<>(4);
      Long oldest = oldestBucket.value();
      if (oldest == null || bucketStart < oldest) {
        oldestBucket.update(bucketStart);
      }
    }
    // By time, then labels: samples of one instant with other labels are co-tenants of the
    // resource (two pods on one GPU, two workloads on one host), not duplicates.
    int at = 0;
    while (at < inBucket.size() && compare(inBucket.get(at), sample) < 0) {
      at++;
    }
    if (at < inBucket.size() && compare(inBucket.get(at), sample) == 0) {
      // The same measurement again (a redelivery): keep the first.
      duplicates.inc();
      return;
    }
    inBucket.add(at, sample);
    buckets.put(bucketStart, inBucket);
    // A late sample is also the new baseline of the next one's energy increase: that sample's
    // window, however far after a gap, must be recomputed too, or the increase up to the late
    // sample is counted in both windows.
    Long next = sample.time < watermark ? nextSampleTime(inBucket, at, bucketStart, watermark) : null;
    for (long size : windowSizes) {
      long end = windowEnd(sample.time, size);
      boolean spills = sample.time + maxIntervalMs > end;
      if (newBucket) {
        // Once per bucket: its windows, and the next ones, which its last samples may cover.
        ctx.timerService().registerEventTimeTimer(end);
        ctx.timerService().registerEventTimeTimer(end + size);
      }
      if (end <= watermark) {
        recompute(end - size, end, ctx.getBroadcastState(PRICES), out);
        if (spills && end + size <= watermark) {
          recompute(end, end + size, ctx.getBroadcastState(PRICES), out);
        }
        long nextEnd = next == null ? end : windowEnd(next, size);
        if (nextEnd > end + (spills ? size : 0) && nextEnd <= watermark) {
          recompute(nextEnd - size, nextEnd, ctx.getBroadcastState(PRICES), out);
        }
      }
    }
  }

  /**
   * The time of the first sample after {@code inBucket[at]} in a window already emitted (before
   * the watermark), or null. Looks no further than the watermark: windows after it are computed
   * when it passes them, with every sample in place.
   */
  private static int compare(Sample a, Sample b) {
    int byTime = Long.compare(a.time, b.time);
    return byTime != 0 ? byTime : String.valueOf(a.labels).compareTo(String.valueOf(b.labels));
  }

  private Long nextSampleTime(List<Sample> inBucket, int at, long bucketStart, long watermark) throws Exception {
    for (int i = at + 1; i < inBucket.size(); i++) {
      if (inBucket.get(i).time > inBucket.get(at).time) {
        return inBucket.get(i).time;
      }
    }
    for (long b = bucketStart + bucket; b < watermark; b += bucket) {
      List<Sample> some = buckets.get(b);
      if (some != null && !some.isEmpty()) {
        return some.get(0).time;
      }
    }
    return null;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ResourceWindow> out) throws Exception {
    if (timestamp % 1000 == 1) {
      cleanup(timestamp - 1 - latenessMs);
      return;
    }
    for (long size : windowSizes) {
      if (timestamp % size == 0) {
        recompute(timestamp - size, timestamp, ctx.getBroadcastState(PRICES), out);
        ctx.timerService().registerEventTimeTimer(timestamp + latenessMs + 1);
      }
    }
  }

  private void recompute(long start, long end, ReadOnlyBroadcastState<String, PriceBook.Entry> prices, Collector<ResourceWindow> out)
      throws Exception {
    List<ResourceWindow> now = WindowCalculator.compute(samplesFor(start, end), start, end, maxIntervalMs, priceBook(prices));
    String key = (end - start) + ":" + start;
    List<ResourceWindow> before = emitted.get(key);
    List<ResourceWindow> kept = new ArrayList<>();
    for (ResourceWindow w : now) {
      ResourceWindow previous = before == null ? null : find(before, w.labels);
      if (previous != null && same(previous, w)) {
        kept.add(previous);
        continue;
      }
      if (previous != null) {
        w.revision = previous.revision + 1;
        previous.previous = null;
        w.previous = previous;
        corrections.inc();
      }
      out.collect(w);
      ResourceWindow stored = copyWithoutPrevious(w);
      kept.add(stored);
    }
    if (!kept.isEmpty()) {
      emitted.put(key, kept);
    }
  }

  /** Samples the window needs: the last one before its start, then those in it, by time. */
  private List<Sample> samplesFor(long start, long end) throws Exception {
    List<Sample> in = new ArrayList<>();
    for (long b = start; b < end; b += bucket) {
      List<Sample> some = buckets.get(b);
      if (some != null) {
        in.addAll(some);
      }
    }
    // The sample before the window: usually in the bucket before; after a silence, further back
    // (as far as state keeps samples).
    long oldest = start - longestWindow - maxIntervalMs - latenessMs - bucket;
    for (long b = start - bucket; b >= oldest; b -= bucket) {
      List<Sample> some = buckets.get(b);
      if (some != null && !some.isEmpty()) {
        // Every co-tenant of the last instant before the window.
        long last = some.get(some.size() - 1).time;
        for (int i = some.size() - 1; i >= 0 && some.get(i).time == last; i--) {
          in.add(0, some.get(i));
        }
        break;
      }
    }
    return in;
  }

  /** After the last correction of windows ending at {@code windowEnd}: forget them and the samples no window needs. */
  private void cleanup(long windowEnd) throws Exception {
    for (long size : windowSizes) {
      if (windowEnd % size == 0) {
        emitted.remove(size + ":" + (windowEnd - size));
      }
    }
    // The oldest window still correctable starts at windowEnd - longestWindow; keep what it
    // reads: its buckets, and the newest bucket before them (it holds the sample before it).
    long keepFrom = Math.floorDiv(windowEnd - longestWindow - maxIntervalMs, bucket) * bucket;
    Long oldest = oldestBucket.value();
    if (oldest == null || oldest >= keepFrom) {
      return;
    }
    long newestOld = keepFrom - bucket;
    while (newestOld > oldest && !buckets.contains(newestOld)) {
      newestOld -= bucket;
    }
    for (long b = oldest; b < newestOld; b += bucket) {
      buckets.remove(b);
    }
    oldestBucket.update(newestOld);
  }

  private PriceBook priceBook(ReadOnlyBroadcastState<String, PriceBook.Entry> broadcast) throws Exception {
    if (cachedPrices == null) {
      List<PriceBook.Entry> all = new ArrayList<>(configured.entries());
      for (Map.Entry<String, PriceBook.Entry> e : broadcast.immutableEntries()) {
        all.add(e.getValue());
      }
      cachedPrices = new PriceBook(all);
    }
    return cachedPrices;
  }

  static long windowEnd(long time, long size) {
    return Math.floorDiv(time, size) * size + size;
  }

  private static ResourceWindow find(List<ResourceWindow> windows, Labels labels) {
    for (ResourceWindow w : windows) {
      if (w.labels.equals(labels)) {
        return w;
      }
    }
    return null;
  }

  private static boolean same(ResourceWindow a, ResourceWindow b) {
    return a.samples == b.samples && a.coveredSeconds == b.coveredSeconds && a.busySeconds == b.busySeconds
        && a.energyKwh == b.energyKwh && a.assetCost == b.assetCost && a.workloadCost == b.workloadCost
        && a.memoryCost == b.memoryCost && a.energyCost == b.energyCost && a.gapSeconds == b.gapSeconds
        && a.utilizationP95 == b.utilizationP95;
  }

  private static ResourceWindow copyWithoutPrevious(ResourceWindow w) {
    ResourceWindow c = new ResourceWindow();
    c.resourceId = w.resourceId;
    c.resourceType = w.resourceType;
    c.acceleratorType = w.acceleratorType;
    c.labels = w.labels;
    c.windowStart = w.windowStart;
    c.windowEnd = w.windowEnd;
    c.samples = w.samples;
    c.coveredSeconds = w.coveredSeconds;
    c.gapSeconds = w.gapSeconds;
    c.busySeconds = w.busySeconds;
    c.idleSeconds = w.idleSeconds;
    c.utilizationAvg = w.utilizationAvg;
    c.utilizationP95 = w.utilizationP95;
    c.energyKwh = w.energyKwh;
    c.quantity = w.quantity;
    c.unit = w.unit;
    c.assetCost = w.assetCost;
    c.workloadCost = w.workloadCost;
    c.idleCost = w.idleCost;
    c.memoryCost = w.memoryCost;
    c.memoryGbHours = w.memoryGbHours;
    c.gpuMemoryUsedMibMax = w.gpuMemoryUsedMibMax;
    c.energyCost = w.energyCost;
    c.listPrice = w.listPrice;
    c.contractedRatio = w.contractedRatio;
    c.energyContractedRatio = w.energyContractedRatio;
    c.currency = w.currency;
    c.revision = w.revision;
    return c;
  }
}
