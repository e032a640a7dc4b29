package dev.aifactory.scoring.operator;

import dev.aifactory.models.ModelSignature;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.runtime.BatchScorer;
import dev.aifactory.models.runtime.ModelLoadException;
import dev.aifactory.models.runtime.SharedSessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The champion and the optional challenger one operator instance (or the serving API) scores
 * with, and how registry
 * changes move them. A change is applied only if the model reads exactly the features this job
 * builds and its file matches the registered SHA-256; otherwise the models in place stay.
 * Retiring the champion does nothing by itself: the champion changes only when another version
 * becomes champion, so there is never a moment without one.
 */
public final class ScoringModels implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ScoringModels.class);

  /** What happened to a registry change. */
  public enum Outcome { LOADED, REMOVED, IGNORED, REJECTED }

  private final ScoringSettings settings;
  private final ModelSignature expected;
  private BatchScorer champion;
  private BatchScorer challenger;

  public ScoringModels(ScoringSettings settings, ModelSignature expected) {
    this.settings = settings;
    this.expected = expected;
  }

  public BatchScorer champion() {
    return champion;
  }

  /** The challenger, or null. */
  public BatchScorer challenger() {
    return challenger;
  }

  public Outcome apply(ModelVersion change) {
    if (!change.name().equals(settings.modelName())) {
      return Outcome.IGNORED;
    }
    ModelStage stage = change.stage();
    if (stage == ModelStage.CHAMPION || stage == ModelStage.CHALLENGER) {
      BatchScorer current = stage == ModelStage.CHAMPION ? champion : challenger;
      if (current != null && current.lease().model().sha256().equals(change.sha256())
          && current.lease().model().version() == change.version()) {
        return Outcome.IGNORED;
      }
      BatchScorer loaded;
      try {
        loaded = load(change);
      } catch (ModelLoadException e) {
        LOG.error("rejected {} as {}: {}; keeping {}", change.label(), stage, e.getMessage(),
            current == null ? "none" : current.lease().model().label());
        return Outcome.REJECTED;
      }
      if (stage == ModelStage.CHAMPION) {
        close(champion);
        champion = loaded;
        if (challenger != null && challenger.lease().model().version() == change.version()) {
          close(challenger);
          challenger = null;
        }
      } else {
        close(challenger);
        challenger = loaded;
      }
      LOG.info("{} is now {} on {}", change.label(), stage, loaded.lease().provider().running());
      return Outcome.LOADED;
    }
    if (challenger != null && challenger.lease().model().version() == change.version()) {
      close(challenger);
      challenger = null;
      LOG.info("{} is no longer challenger ({})", change.label(), stage);
      return Outcome.REMOVED;
    }
    return Outcome.IGNORED;
  }

  private BatchScorer load(ModelVersion model) throws ModelLoadException {
    if (!model.signature().sameInputsAs(expected)) {
      throw new ModelLoadException(model.label() + " reads " + model.signature().describe() + ", this job builds " + expected.describe());
    }
    return new BatchScorer(SharedSessions.acquire(model, settings.provider(), settings.deviceId()), settings.maxBatchSize());
  }

  private static void close(BatchScorer scorer) {
    if (scorer != null) {
      scorer.close();
    }
  }

  @Override
  public void close() {
    close(champion);
    close(challenger);
    champion = null;
    challenger = null;
  }
}
