package dev.aifactory.scoring.operator;

import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.runtime.BatchScorer;
import dev.aifactory.models.runtime.Contributions;
import dev.aifactory.models.runtime.SharedSessions;
import dev.aifactory.scoring.model.BatchUsage;
import dev.aifactory.scoring.model.Decision;
import dev.aifactory.scoring.model.Prediction;
import dev.aifactory.scoring.model.ScoringRequest;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Scores events with ONNX Runtime in micro-batches across keys. Input 1 is the events, input 2
 * the model registry's changes (broadcast, so every instance swaps models at the same point of
 * the control stream).
 *
 * <ul>
 *   <li>A batch is scored when it reaches the max size or its first event has waited the max
 *       delay (a processing-time timer), whichever comes first.
 *   <li>Nothing is in a batch at a checkpoint barrier or at the end of input: the batch is
 *       scored first, so the buffer needs no state and a restart loses or repeats nothing.
 *   <li>A watermark that arrives while a batch is open is held until the batch is out, so
 *       scored events are never late behind it.
 *   <li>A model change is applied between batches: every batch is scored by exactly one
 *       champion. The last applied champion and challenger are kept in operator state, so a
 *       restart resumes with them rather than with the job's starting model.
 * </ul>
 */
public final class MicroBatchScoringOperator extends AbstractStreamOperator<Prediction>
    implements TwoInputStreamOperator<ScoringRequest, ModelVersion, Prediction>, BoundedMultiInput {

  public static final OutputTag<BatchUsage> USAGE = new OutputTag<>("usage") {};

  private final ScoringSettings settings;
  private final ModelSignature expected;
  private final ModelVersion initialChampion;

  private transient ScoringModels models;
  private transient ScoringRequest[] batch;
  private transient long[] arrivedNanos;
  private transient int size;
  private transient long generation;
  private transient Watermark heldWatermark;
  private transient int[] challengerRows;
  private transient ListState<ModelVersion> appliedState;
  private transient List<ModelVersion> restored;
  private transient Counter scored;
  private transient Counter batches;
  private transient Counter modelsLoaded;
  private transient Counter modelsRejected;
  private transient Histogram latencyMicros;
  private transient Histogram batchSizes;

  public MicroBatchScoringOperator(ScoringSettings settings, ModelSignature expected, ModelVersion initialChampion) {
    this.settings = settings;
    this.expected = expected;
    this.initialChampion = initialChampion;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    // Union state: after a rescale every instance gets every entry; they are all the same.
    appliedState = context.getOperatorStateStore().getUnionListState(
        new ListStateDescriptor<>("applied-models", TypeInformation.of(ModelVersion.class)));
    restored = new ArrayList<>();
    if (context.isRestored()) {
      appliedState.get().forEach(restored::add);
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    // ONNX Runtime's native library is bound to this job's class loader: close its sessions
    // when the class loader goes, or native memory outlives the job.
    getRuntimeContext().registerUserCodeClassLoaderReleaseHookIfAbsent("onnxruntime-sessions", SharedSessions::closeAll);
    var metrics = getMetricGroup();
    scored = metrics.counter("scored");
    batches = metrics.counter("batches");
    modelsLoaded = metrics.counter("modelsLoaded");
    modelsRejected = metrics.counter("modelsRejected");
    latencyMicros = metrics.histogram("latencyMicros", new DescriptiveStatisticsHistogram(10_000));
    batchSizes = metrics.histogram("batchSize", new DescriptiveStatisticsHistogram(1_000));
    batch = new ScoringRequest[settings.maxBatchSize()];
    arrivedNanos = new long[settings.maxBatchSize()];
    challengerRows = new int[settings.maxBatchSize()];

    models = new ScoringModels(settings, expected);
    ModelVersion champion = restored.stream().filter(m -> m.stage() == ModelStage.CHAMPION).reduce((a, b) -> b).orElse(initialChampion);
    if (models.apply(champion) != ScoringModels.Outcome.LOADED) {
      throw new IllegalStateException("cannot start: champion " + champion.label() + " does not load (see the log)");
    }
    restored.stream().filter(m -> m.stage() == ModelStage.CHALLENGER).reduce((a, b) -> b).ifPresent(models::apply);
    metrics.gauge("championVersion", () -> models.champion() == null ? -1 : models.champion().lease().model().version());
  }

  @Override
  public void processElement1(StreamRecord<ScoringRequest> element) throws Exception {
    batch[size] = element.getValue();
    arrivedNanos[size] = System.nanoTime();
    size++;
    if (size == 1 && settings.maxDelayMillis() > 0) {
      long expectedGeneration = generation;
      var time = getProcessingTimeService();
      time.registerTimer(time.getCurrentProcessingTime() + settings.maxDelayMillis(), t -> {
        if (generation == expectedGeneration && size > 0) {
          flush();
        }
      });
    }
    if (size == settings.maxBatchSize() || settings.maxDelayMillis() == 0) {
      flush();
    }
  }

  @Override
  public void processElement2(StreamRecord<ModelVersion> element) throws Exception {
    flush();
    switch (models.apply(element.getValue())) {
      case LOADED -> modelsLoaded.inc();
      case REJECTED -> modelsRejected.inc();
      default -> { }
    }
  }

  /** Event time is the events' alone: registry changes carry none and must not hold it back. */
  @Override
  public void processWatermark1(Watermark mark) throws Exception {
    processWatermark(mark);
  }

  @Override
  public void processWatermark2(Watermark mark) {
    // ignored, see processWatermark1
  }

  @Override
  public void processWatermarkStatus(org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus status, int inputId)
      throws Exception {
    if (inputId == 1) {
      super.processWatermarkStatus(status, inputId);
    }
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    if (size == 0) {
      super.processWatermark(mark);
    } else {
      heldWatermark = mark;
    }
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    flush();
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    List<ModelVersion> applied = new ArrayList<>();
    applied.add(models.champion().lease().model());
    if (models.challenger() != null) {
      applied.add(models.challenger().lease().model());
    }
    appliedState.update(applied);
  }

  @Override
  public void endInput(int inputId) throws Exception {
    flush();
  }

  @Override
  public void finish() throws Exception {
    flush();
    super.finish();
  }

  @Override
  public void close() throws Exception {
    if (models != null) {
      models.close();
    }
    super.close();
  }

  private void flush() throws Exception {
    int n = size;
    if (n == 0) {
      return;
    }
    BatchScorer champion = models.champion();
    for (int i = 0; i < n; i++) {
      champion.set(i, batch[i].features);
    }
    long start = System.nanoTime();
    float[] scores = champion.score(n);
    long inferenceNanos = System.nanoTime() - start;

    BatchScorer challenger = models.challenger();
    int shadowed = 0;
    float[] shadow = null;
    long shadowNanos = 0;
    if (challenger != null) {
      for (int i = 0; i < n; i++) {
        if (settings.challengerScores(batch[i].eventId)) {
          challenger.set(shadowed, batch[i].features);
          challengerRows[shadowed++] = i;
        }
      }
      if (shadowed > 0) {
        long shadowStart = System.nanoTime();
        shadow = challenger.score(shadowed);
        shadowNanos = System.nanoTime() - shadowStart;
      }
    }

    long done = System.nanoTime();
    long now = getProcessingTimeService().getCurrentProcessingTime();
    var model = champion.lease().model();
    String provider = champion.lease().provider().running().name();
    int next = 0;
    for (int i = 0; i < n; i++) {
      ScoringRequest r = batch[i];
      Prediction p = new Prediction();
      p.eventId = r.eventId;
      p.entity = r.entity;
      p.eventTime = r.eventTime;
      p.featureValidFrom = r.featureValidFrom;
      p.features = r.features;
      p.score = scores[i];
      p.decision = Decision.of(p.score, settings.reviewAt(), settings.declineAt());
      if (p.decision == Decision.REVIEW) {
        // The evidence for the people who review it: one more call, for the rare REVIEW only.
        Contributions why = champion.explain(r.features);
        p.contributions = why.perFeature();
        p.baselineLogit = why.baselineLogit();
      }
      p.modelName = model.name();
      p.modelVersion = model.version();
      p.modelSha256 = model.sha256();
      if (next < shadowed && challengerRows[next] == i) {
        p.challengerVersion = challenger.lease().model().version();
        p.challengerScore = shadow[next++];
      }
      p.batchSize = n;
      p.latencyMicros = (done - arrivedNanos[i]) / 1_000;
      p.inferenceMicros = inferenceNanos / 1_000;
      p.provider = provider;
      p.scoredAt = now;
      latencyMicros.update(p.latencyMicros);
      output.collect(new StreamRecord<>(p, r.eventTime));
      batch[i] = null;
    }
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    output.collect(USAGE, new StreamRecord<>(new BatchUsage(subtask + "-" + generation + "-" + now, now, model.label(), provider, n,
        inferenceNanos, subtask)));
    if (shadowed > 0) {
      var c = challenger.lease();
      output.collect(USAGE, new StreamRecord<>(new BatchUsage(subtask + "-" + generation + "-" + now + "-shadow", now,
          c.model().label(), c.provider().running().name(), shadowed, shadowNanos, subtask)));
    }
    scored.inc(n);
    batches.inc();
    batchSizes.update(n);
    size = 0;
    generation++;
    if (heldWatermark != null) {
      Watermark held = heldWatermark;
      heldWatermark = null;
      super.processWatermark(held);
    }
  }
}
