package dev.aifactory.models.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Scores up to {@code maxRows} feature vectors in one ONNX Runtime call. Rows are written into
 * one direct buffer allocated once, which ONNX Runtime reads in place (no copy into native
 * memory); scores land in one reused array. Not thread-safe: one per operator instance, over a
 * shared session; only {@link #scoreOne} may be called from several threads at once.
 */
public final class BatchScorer implements AutoCloseable {

  private final SharedSessions.Lease lease;
  private final int width;
  private final int maxRows;
  private final FloatBuffer input;
  private final float[] scores;
  private final long[] shape;
  private final String inputName;
  private final String outputName;

  public BatchScorer(SharedSessions.Lease lease, int maxRows) {
    this.lease = lease;
    this.width = lease.model().signature().width();
    this.maxRows = maxRows;
    this.input = ByteBuffer.allocateDirect(maxRows * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    this.scores = new float[maxRows];
    this.shape = new long[] {0, width};
    this.inputName = lease.model().signature().inputName();
    this.outputName = lease.model().signature().outputName();
  }

  /** Writes row {@code row} of the next batch; NaN marks a missing value. */
  public void set(int row, double[] features) {
    int base = row * width;
    for (int i = 0; i < width; i++) {
      input.put(base + i, (float) features[i]);
    }
  }

  /**
   * Scores rows {@code [0, rows)} as last {@link #set} and returns the reused score array: valid
   * until the next call.
   */
  public float[] score(int rows) throws OrtException {
    if (rows < 1 || rows > maxRows) {
      throw new IllegalArgumentException("rows must be 1.." + maxRows + ", was " + rows);
    }
    input.clear().limit(rows * width);
    shape[0] = rows;
    OrtSession session = lease.session();
    try (OnnxTensor tensor = OnnxTensor.createTensor(lease.environment(), input, shape);
        OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
      OnnxValue value = result.get(outputName).orElseThrow(() -> new OrtException("no output " + outputName));
      ((OnnxTensor) value).getFloatBuffer().get(scores, 0, rows);
    } finally {
      // The next batch may be larger: set() writes by absolute index up to the capacity.
      input.clear();
    }
    return scores;
  }

  /**
   * Scores one vector with buffers of its own: safe to call from several threads at once (ONNX
   * Runtime sessions are), for a caller that scores one request at a time per thread, such as the
   * serving API. The caller keeps the scorer open meanwhile.
   */
  public double scoreOne(double[] features) throws OrtException {
    float[] row = new float[width];
    for (int i = 0; i < width; i++) {
      row[i] = (float) features[i];
    }
    try (OnnxTensor tensor = OnnxTensor.createTensor(lease.environment(), FloatBuffer.wrap(row), new long[] {1, width});
        OrtSession.Result result = lease.session().run(Map.of(inputName, tensor))) {
      OnnxValue value = result.get(outputName).orElseThrow(() -> new OrtException("no output " + outputName));
      return ((OnnxTensor) value).getFloatBuffer().get(0);
    }
  }

  /**
   * Each feature's contribution to this vector's score ({@link Contributions}), through the same
   * session: one call over the vector, the vector with each feature in turn missing (NaN), and
   * the vector with all missing. Thread-safe like {@link #scoreOne}.
   */
  public Contributions explain(double[] features) throws OrtException {
    int rows = width + 2;
    float[] batch = new float[rows * width];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < width; i++) {
        boolean missing = r == width + 1 || r == i + 1;
        batch[r * width + i] = missing ? Float.NaN : (float) features[i];
      }
    }
    float[] scores = new float[rows];
    try (OnnxTensor tensor = OnnxTensor.createTensor(lease.environment(), FloatBuffer.wrap(batch), new long[] {rows, width});
        OrtSession.Result result = lease.session().run(Map.of(inputName, tensor))) {
      OnnxValue value = result.get(outputName).orElseThrow(() -> new OrtException("no output " + outputName));
      ((OnnxTensor) value).getFloatBuffer().get(scores, 0, rows);
    }
    double full = Contributions.logit(scores[0]);
    double[] perFeature = new double[width];
    for (int i = 0; i < width; i++) {
      perFeature[i] = full - Contributions.logit(scores[i + 1]);
    }
    return new Contributions(Contributions.logit(scores[width + 1]), perFeature);
  }

  public int maxRows() {
    return maxRows;
  }

  public SharedSessions.Lease lease() {
    return lease;
  }

  @Override
  public void close() {
    lease.close();
  }
}
