package dev.aifactory.scoring.sink;

import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.scoring.ServedPrediction;
import dev.aifactory.scoring.model.Decision;
import dev.aifactory.scoring.model.Prediction;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The serving API's predictions on Kafka (topic {@code serving.decisions}, Avro
 * {@code ServedPrediction}, single-object encoding, keyed by event id): written by the API for
 * every decision, read by the scoring job into {@code gold.predictions}, so both tiers share one
 * audit table.
 */
public final class ServedPredictions {

  public static final String DEFAULT_TOPIC = "serving.decisions";

  private ServedPredictions() {}

  public static byte[] encode(Prediction p, List<String> featureNames) {
    Map<String, Double> features = new HashMap<>();
    for (int i = 0; i < featureNames.size(); i++) {
      features.put(featureNames.get(i), Double.isNaN(p.features[i]) ? null : p.features[i]);
    }
    ServedPrediction record = ServedPrediction.newBuilder()
        .setEventId(p.eventId)
        .setEntityId(p.entity)
        .setEventTime(Instant.ofEpochMilli(p.eventTime))
        .setTier(p.tier)
        .setTenant(p.tenant)
        .setFeatureValidFrom(p.featureValidFrom < 0 ? null : Instant.ofEpochMilli(p.featureValidFrom))
        .setFeatures(features)
        .setScore(Double.isNaN(p.score) ? null : p.score)
        .setDecision(p.decision.name())
        .setFallbackReason(p.fallbackReason)
        .setModelName(p.modelName)
        .setModelVersion(p.modelVersion < 0 ? null : p.modelVersion)
        .setModelSha256(p.modelSha256)
        .setChallengerVersion(p.challengerVersion < 0 ? null : p.challengerVersion)
        .setChallengerScore(p.challengerVersion < 0 ? null : p.challengerScore)
        .setLatencyUs(p.latencyMicros)
        .setInferenceUs(p.inferenceMicros)
        .setProvider(p.provider)
        .setScoredAt(Instant.ofEpochMilli(p.scoredAt))
        .build();
    return AvroWire.singleObject(record);
  }

  /** The prediction, its features in {@code featureNames}' order (NaN where missing or unknown). */
  public static Prediction decode(byte[] bytes, List<String> featureNames) throws IOException {
    ServedPrediction r = ServedPrediction.getDecoder().decode(bytes);
    Prediction p = new Prediction();
    p.eventId = r.getEventId();
    p.entity = r.getEntityId();
    p.eventTime = r.getEventTime().toEpochMilli();
    p.tier = r.getTier();
    p.tenant = r.getTenant();
    p.featureValidFrom = r.getFeatureValidFrom() == null ? -1 : r.getFeatureValidFrom().toEpochMilli();
    p.features = new double[featureNames.size()];
    for (int i = 0; i < p.features.length; i++) {
      Double v = r.getFeatures().get(featureNames.get(i));
      p.features[i] = v == null ? Double.NaN : v;
    }
    p.score = r.getScore() == null ? Double.NaN : r.getScore();
    p.decision = Decision.valueOf(r.getDecision());
    p.fallbackReason = r.getFallbackReason();
    p.modelName = r.getModelName();
    p.modelVersion = r.getModelVersion() == null ? -1 : r.getModelVersion();
    p.modelSha256 = r.getModelSha256();
    p.challengerVersion = r.getChallengerVersion() == null ? -1 : r.getChallengerVersion();
    p.challengerScore = r.getChallengerScore() == null ? Double.NaN : r.getChallengerScore();
    p.batchSize = 1;
    p.latencyMicros = r.getLatencyUs();
    p.inferenceMicros = r.getInferenceUs();
    p.provider = r.getProvider();
    p.scoredAt = r.getScoredAt().toEpochMilli();
    return p;
  }
}
