package dev.aifactory.serving.score;

import ai.onnxruntime.OrtException;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.runtime.BatchScorer;
import dev.aifactory.models.runtime.Contributions;
import dev.aifactory.scoring.ScoringTopology;
import dev.aifactory.scoring.model.Decision;
import dev.aifactory.scoring.operator.ScoringModels;
import dev.aifactory.scoring.operator.ScoringSettings;

/**
 * Scores one payment's vector with the registry's champion, through the streaming job's own
 * model holder ({@link ScoringModels}: the same signature and checksum checks, the same shared
 * ONNX Runtime sessions, the same batch scorer) and its thresholds. The challenger, when there
 * is one, scores the same share of events in shadow as in the streaming job.
 *
 * <p>Requests score concurrently ({@link BatchScorer#scoreOne}, over the shared session) under
 * a read lock; a model change takes the write lock, so no session is closed under a call.
 */
public final class SyncScorer implements AutoCloseable {

  /**
   * A payment's result; {@code challenger} null and {@code challengerScore} NaN when no challenger
   * scored it. {@code provider} is the ONNX Runtime provider that ran; {@code inferenceMicros}
   * the champion's call. {@code why}: a REVIEW's evidence, else null.
   */
  public record Scored(double score, Decision decision, ModelVersion model, ModelVersion challenger, double challengerScore,
      String provider, long inferenceMicros, Contributions why) {}

  private final ScoringSettings settings;
  private final ScoringModels models;
  private final java.util.concurrent.locks.ReentrantReadWriteLock lock = new java.util.concurrent.locks.ReentrantReadWriteLock();

  public SyncScorer(ScoringSettings settings, FeatureView view) {
    this.settings = settings;
    this.models = new ScoringModels(settings, ScoringTopology.signatureOf(view));
  }

  /** Applies a registry change (a new champion or challenger, or a retirement). */
  public ScoringModels.Outcome apply(ModelVersion change) {
    lock.writeLock().lock();
    try {
      return models.apply(change);
    } finally {
      lock.writeLock().unlock();
    }
  }

  public boolean ready() {
    lock.readLock().lock();
    try {
      return models.champion() != null;
    } finally {
      lock.readLock().unlock();
    }
  }

  public ScoringSettings settings() {
    return settings;
  }

  public Scored score(String eventId, double[] features) throws NoChampion, OrtException {
    lock.readLock().lock();
    try {
      return scoreLocked(eventId, features);
    } finally {
      lock.readLock().unlock();
    }
  }

  private Scored scoreLocked(String eventId, double[] features) throws NoChampion, OrtException {
    BatchScorer champion = models.champion();
    if (champion == null) {
      throw new NoChampion(settings.modelName());
    }
    long start = System.nanoTime();
    double score = champion.scoreOne(features);
    long inferenceMicros = (System.nanoTime() - start) / 1_000;
    BatchScorer challenger = models.challenger();
    boolean shadow = challenger != null && settings.challengerScores(eventId);
    Decision decision = Decision.of(score, settings.reviewAt(), settings.declineAt());
    return new Scored(score, decision, champion.lease().model(),
        shadow ? challenger.lease().model() : null, shadow ? challenger.scoreOne(features) : Double.NaN,
        champion.lease().provider().running().name(), inferenceMicros,
        decision == Decision.REVIEW ? champion.explain(features) : null);
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      models.close();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
