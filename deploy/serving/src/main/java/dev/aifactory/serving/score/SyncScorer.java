package dev.aifactory.serving.score;

import ai.onnxruntime.OrtException;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.runtime.BatchScorer;
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
 * <p>One request at a time per process: the scorer's buffers are not thread-safe, and a call
 * takes tens of microseconds, far below the HTTP path around it.
 */
public final class SyncScorer implements AutoCloseable {

  /**
   * A payment's result; {@code challenger} null and {@code challengerScore} NaN when no challenger
   * scored it. {@code provider} is the ONNX Runtime provider that ran; {@code inferenceMicros}
   * the champion's call.
   */
  public record Scored(double score, Decision decision, ModelVersion model, ModelVersion challenger, double challengerScore,
      String provider, long inferenceMicros) {}

  private final ScoringSettings settings;
  private final ScoringModels models;

  public SyncScorer(ScoringSettings settings, FeatureView view) {
    this.settings = settings;
    this.models = new ScoringModels(settings, ScoringTopology.signatureOf(view));
  }

  /** Applies a registry change (a new champion or challenger, or a retirement). */
  public synchronized ScoringModels.Outcome apply(ModelVersion change) {
    return models.apply(change);
  }

  public synchronized boolean ready() {
    return models.champion() != null;
  }

  public ScoringSettings settings() {
    return settings;
  }

  public synchronized Scored score(String eventId, double[] features) throws NoChampion, OrtException {
    BatchScorer champion = models.champion();
    if (champion == null) {
      throw new NoChampion(settings.modelName());
    }
    long start = System.nanoTime();
    double score = scoreOne(champion, features);
    long inferenceMicros = (System.nanoTime() - start) / 1_000;
    BatchScorer challenger = models.challenger();
    boolean shadow = challenger != null && settings.challengerScores(eventId);
    return new Scored(score, Decision.of(score, settings.reviewAt(), settings.declineAt()), champion.lease().model(),
        shadow ? challenger.lease().model() : null, shadow ? scoreOne(challenger, features) : Double.NaN,
        champion.lease().provider().running().name(), inferenceMicros);
  }

  private static double scoreOne(BatchScorer scorer, double[] features) throws OrtException {
    scorer.set(0, features);
    return scorer.score(1)[0];
  }

  @Override
  public synchronized void close() {
    models.close();
  }
}
