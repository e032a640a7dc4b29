package dev.aifactory.models.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.aifactory.models.ModelVersion;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ONNX Runtime session per model per JVM (per user-code class loader, in Flink), shared by
 * every operator instance that scores with it: sessions hold the model's weights and thread
 * pools, and {@link OrtSession#run} is safe to call from several threads. Leases are counted;
 * the last release closes the session. Operators register {@link #closeAll} as a user-code class
 * loader release hook, so a cancelled job leaves no native memory behind.
 */
public final class SharedSessions {

  private static final Logger LOG = LoggerFactory.getLogger(SharedSessions.class);
  private static final Map<String, Shared> SESSIONS = new HashMap<>();

  private SharedSessions() {}

  /** A session lease: use {@link #session()}, then {@link #close()} exactly once. */
  public static final class Lease implements AutoCloseable {
    private final Shared shared;
    private boolean closed;

    private Lease(Shared shared) {
      this.shared = shared;
    }

    public OrtSession session() {
      return shared.session;
    }

    public OrtEnvironment environment() {
      return OrtEnvironment.getEnvironment();
    }

    public ModelVersion model() {
      return shared.model;
    }

    public ProviderChoice provider() {
      return shared.provider;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        release(shared);
      }
    }
  }

  private static final class Shared {
    final String key;
    final ModelVersion model;
    final OrtSession session;
    final ProviderChoice provider;
    int leases;

    Shared(String key, ModelVersion model, OrtSession session, ProviderChoice provider) {
      this.key = key;
      this.model = model;
      this.session = session;
      this.provider = provider;
    }
  }

  /**
   * Leases the session for {@code model} on {@code requested}, creating it on first use: the file
   * is read and checked against the registry's SHA-256, and its input and output are checked
   * against the model's signature.
   */
  public static synchronized Lease acquire(ModelVersion model, ExecutionProvider requested, int deviceId)
      throws ModelLoadException {
    String key = model.sha256() + "/" + requested + "/" + deviceId;
    Shared shared = SESSIONS.get(key);
    if (shared == null) {
      shared = open(key, model, requested, deviceId);
      SESSIONS.put(key, shared);
    }
    shared.leases++;
    return new Lease(shared);
  }

  /** Closes every session; for class loader release hooks and tests. */
  public static synchronized void closeAll() {
    for (Shared shared : SESSIONS.values()) {
      closeQuietly(shared);
    }
    SESSIONS.clear();
  }

  /** Sessions open now, for tests. */
  public static synchronized int open() {
    return SESSIONS.size();
  }

  private static synchronized void release(Shared shared) {
    if (--shared.leases == 0 && SESSIONS.remove(shared.key, shared)) {
      closeQuietly(shared);
    }
  }

  private static Shared open(String key, ModelVersion model, ExecutionProvider requested, int deviceId)
      throws ModelLoadException {
    byte[] bytes = ModelFiles.readVerified(model);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      ProviderChoice provider = Providers.configure(options, requested, deviceId);
      OrtSession session = env.createSession(bytes, options);
      try {
        checkSignature(model, session);
      } catch (ModelLoadException e) {
        session.close();
        throw e;
      }
      LOG.info(provider.logLine(model.label()));
      return new Shared(key, model, session, provider);
    } catch (OrtException e) {
      throw new ModelLoadException("ONNX Runtime cannot load " + model.label() + ": " + e.getMessage(), e);
    }
  }

  private static void checkSignature(ModelVersion model, OrtSession session) throws OrtException, ModelLoadException {
    String input = model.signature().inputName();
    NodeInfo info = session.getInputInfo().get(input);
    if (info == null || session.getNumInputs() != 1) {
      throw new ModelLoadException(model.label() + " must have the one input " + input + ", has " + session.getInputNames());
    }
    long[] shape = ((TensorInfo) info.getInfo()).getShape();
    if (shape.length != 2 || shape[1] != model.signature().width()) {
      throw new ModelLoadException(model.label() + " input " + input + " has shape " + java.util.Arrays.toString(shape)
          + ", expected [batch, " + model.signature().width() + "]");
    }
    if (!session.getOutputNames().contains(model.signature().outputName())) {
      throw new ModelLoadException(model.label() + " has no output " + model.signature().outputName()
          + ", has " + session.getOutputNames());
    }
  }

  private static void closeQuietly(Shared shared) {
    try {
      shared.session.close();
    } catch (OrtException e) {
      LOG.warn("closing the session of {} failed", shared.model.label(), e);
    }
  }
}
