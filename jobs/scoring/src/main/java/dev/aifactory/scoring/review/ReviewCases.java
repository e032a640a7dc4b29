package dev.aifactory.scoring.review;

import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.scoring.ReviewCase;
import dev.aifactory.scoring.model.Decision;
import dev.aifactory.scoring.model.Prediction;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Review cases on Kafka (topic {@code review}, Avro {@link ReviewCase}, single-object encoding,
 * keyed by case id, the payment's event id): a REVIEW decision of either tier with its evidence.
 * Written at least once; a reader keeps one case per id.
 */
public final class ReviewCases {

  public static final String DEFAULT_TOPIC = "review";

  private ReviewCases() {}

  /**
   * The case of a REVIEW decision: with its contributions when the model decided, without when
   * the serving API's fallback did (its reason says why).
   */
  public static byte[] encode(Prediction p, List<String> featureNames, double reviewAt, double declineAt, long openedAt) {
    boolean scored = p.fallbackReason == null;
    if (p.decision != Decision.REVIEW || (scored && p.contributions == null)) {
      throw new IllegalArgumentException("decision " + p.eventId + " is not a REVIEW with its evidence");
    }
    Map<String, Double> features = new HashMap<>();
    Map<String, Double> contributions = new HashMap<>();
    for (int i = 0; i < featureNames.size(); i++) {
      features.put(featureNames.get(i), Double.isNaN(p.features[i]) ? null : p.features[i]);
      if (scored) {
        contributions.put(featureNames.get(i), p.contributions[i]);
      }
    }
    return AvroWire.singleObject(ReviewCase.newBuilder()
        .setCaseId(p.eventId)
        .setEntityId(p.entity)
        .setEventTime(Instant.ofEpochMilli(p.eventTime))
        .setTier(p.tier)
        .setTenant(p.tenant)
        .setModelName(p.modelName)
        .setModelVersion(scored ? p.modelVersion : null)
        .setScore(scored ? p.score : null)
        .setFallbackReason(p.fallbackReason)
        .setReviewAt(reviewAt)
        .setDeclineAt(declineAt)
        .setFeatures(features)
        .setContributions(contributions)
        .setBaselineLogit(scored ? p.baselineLogit : null)
        .setOpenedAt(Instant.ofEpochMilli(openedAt))
        .build());
  }

  public static ReviewCase decode(byte[] bytes) throws IOException {
    return ReviewCase.getDecoder().decode(bytes);
  }
}
