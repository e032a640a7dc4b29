package dev.aifactory.udfs.onnx;

import dev.aifactory.models.runtime.BatchScorer;
import dev.aifactory.models.runtime.SharedSessions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

/**
 * Asynchronous ML_PREDICT with batching inside the function (Flink 2.1 hands predict functions
 * one row per call): each call queues its row and returns a future; one scorer thread takes
 * what is queued, up to the max batch size, waiting at most the max delay after the first row,
 * scores it in one ONNX Runtime call and completes the futures. The async operator's capacity
 * bounds how many rows can be in flight, so batches fill under load and stay small when idle.
 */
public final class BatchingAsyncPredictFunction extends AsyncPredictFunction {

  private record Pending(double[] features, CompletableFuture<Collection<RowData>> result) {}

  private final OnnxModelSpec spec;
  private transient BlockingQueue<Pending> queue;
  private transient Thread scorerThread;
  private transient volatile boolean running;
  private transient java.util.concurrent.atomic.AtomicLong batches;

  BatchingAsyncPredictFunction(OnnxModelSpec spec) {
    this.spec = spec;
  }

  @Override
  public void open(FunctionContext context) throws Exception {
    BatchScorer scorer = new BatchScorer(SharedSessions.acquire(spec.model(), spec.provider(), spec.deviceId()), spec.batchMaxSize());
    queue = new LinkedBlockingQueue<>();
    batches = new java.util.concurrent.atomic.AtomicLong();
    if (context != null) {
      context.getMetricGroup().gauge("onnxBatches", batches::get);
    }
    running = true;
    scorerThread = new Thread(() -> scoreLoop(scorer), "onnx-predict-" + spec.name());
    scorerThread.setDaemon(true);
    scorerThread.start();
  }

  @Override
  public CompletableFuture<Collection<RowData>> asyncPredict(RowData input) {
    double[] features = new double[spec.inputColumns().size()];
    CompletableFuture<Collection<RowData>> result = new CompletableFuture<>();
    try {
      RowFeatures.read(input, spec.inputTypes(), features);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return result;
    }
    queue.add(new Pending(features, result));
    return result;
  }

  private void scoreLoop(BatchScorer scorer) {
    List<Pending> batch = new ArrayList<>(spec.batchMaxSize());
    long maxDelayNanos = spec.batchMaxDelay().toNanos();
    try (scorer) {
      while (running) {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long deadline = System.nanoTime() + maxDelayNanos;
        while (batch.size() < spec.batchMaxSize()) {
          Pending next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        score(scorer, batch);
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Pending left;
    while ((left = queue.poll()) != null) {
      left.result().completeExceptionally(new IllegalStateException("the predict function was closed"));
    }
  }

  private void score(BatchScorer scorer, List<Pending> batch) {
    try {
      for (int i = 0; i < batch.size(); i++) {
        scorer.set(i, batch.get(i).features());
      }
      float[] scores = scorer.score(batch.size());
      batches.incrementAndGet();
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result().complete(List.of(GenericRowData.of(RowFeatures.output(scores[i], spec.outputType().getTypeRoot()))));
      }
    } catch (Exception e) {
      batch.forEach(p -> p.result().completeExceptionally(e));
    }
  }

  /** ONNX Runtime calls made so far. */
  long batches() {
    return batches.get();
  }

  @Override
  public void close() throws Exception {
    running = false;
    if (scorerThread != null) {
      scorerThread.join(5_000);
    }
  }
}
