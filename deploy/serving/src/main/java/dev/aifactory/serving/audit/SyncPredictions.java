package dev.aifactory.serving.audit;

import dev.aifactory.features.online.OnlineCodec;
import dev.aifactory.scoring.model.Decision;
import dev.aifactory.scoring.model.Prediction;
import dev.aifactory.serving.api.PaymentRequest;
import dev.aifactory.serving.score.SyncScorer;
import java.util.Arrays;

/** The serving API's decisions as predictions of the sync tier, for the audit table. */
public final class SyncPredictions {

  private SyncPredictions() {}

  /** A payment the champion scored; {@code vector} null when the card had no online vector. */
  public static Prediction scored(PaymentRequest payment, String token, String tenant, OnlineCodec.Vector vector,
      double[] values, SyncScorer.Scored scored) {
    Prediction p = base(payment, token, tenant, values);
    p.featureValidFrom = vector == null ? -1 : vector.validFrom();
    p.score = scored.score();
    p.decision = scored.decision();
    p.modelName = scored.model().name();
    p.modelVersion = scored.model().version();
    p.modelSha256 = scored.model().sha256();
    if (scored.challenger() != null) {
      p.challengerVersion = scored.challenger().version();
      p.challengerScore = scored.challengerScore();
    }
    p.inferenceMicros = scored.inferenceMicros();
    p.provider = scored.provider();
    if (scored.why() != null) {
      p.contributions = scored.why().perFeature();
      p.baselineLogit = scored.why().baselineLogit();
    }
    return p;
  }

  /** A payment decided by the declared fallback: no features were read, no model scored. */
  public static Prediction fallback(PaymentRequest payment, String token, String tenant, int width, String modelName,
      Decision decision, String reason) {
    double[] none = new double[width];
    Arrays.fill(none, Double.NaN);
    Prediction p = base(payment, token, tenant, none);
    p.featureValidFrom = -1;
    p.score = Double.NaN;
    p.decision = decision;
    p.modelName = modelName;
    p.modelVersion = -1;
    p.fallbackReason = reason;
    p.provider = "none";
    return p;
  }

  private static Prediction base(PaymentRequest payment, String token, String tenant, double[] values) {
    Prediction p = new Prediction();
    p.tier = Prediction.SYNC;
    p.tenant = tenant;
    p.eventId = payment.eventId();
    p.entity = token;
    p.eventTime = payment.eventTime();
    p.features = values;
    p.batchSize = 1;
    p.scoredAt = System.currentTimeMillis();
    return p;
  }
}
