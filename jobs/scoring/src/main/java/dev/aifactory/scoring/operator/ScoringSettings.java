package dev.aifactory.scoring.operator;

import dev.aifactory.common.JobConfig;
import dev.aifactory.models.runtime.ExecutionProvider;
import java.io.Serializable;
import java.time.Duration;

/**
 * How the scoring operator batches and decides.
 *
 * @param maxBatchSize a batch is scored as soon as it has this many events
 * @param maxDelayMillis or when its first event has waited this long
 * @param provider CPU or CUDA (falls back to CPU, with a log line, where CUDA cannot run)
 * @param challengerShare share of events the challenger also scores, in shadow, chosen by event id
 * @param reviewAt scores at or above this are REVIEW
 * @param declineAt scores at or above this are DECLINE
 */
public record ScoringSettings(String modelName, int maxBatchSize, long maxDelayMillis, ExecutionProvider provider, int deviceId,
    double challengerShare, double reviewAt, double declineAt) implements Serializable {

  public ScoringSettings {
    if (maxBatchSize < 1 || maxDelayMillis < 0) {
      throw new IllegalArgumentException("max batch size must be >= 1 and max delay >= 0");
    }
    if (!(reviewAt <= declineAt)) {
      throw new IllegalArgumentException("the review threshold must not exceed the decline threshold");
    }
  }

  public static ScoringSettings from(JobConfig config) {
    return new ScoringSettings(
        config.get("scoring.model-name", "fraud"),
        config.getInt("scoring.batch.max-size", 256),
        config.getDuration("scoring.batch.max-delay", Duration.ofMillis(5)).toMillis(),
        ExecutionProvider.parse(config.get("scoring.provider", "cpu")),
        config.getInt("scoring.cuda.device-id", 0),
        Double.parseDouble(config.get("scoring.challenger.share", "0.1")),
        Double.parseDouble(config.get("scoring.threshold.review", "0.5")),
        Double.parseDouble(config.get("scoring.threshold.decline", "0.9")));
  }

  public ScoringSettings withBatching(int size, long delayMillis) {
    return new ScoringSettings(modelName, size, delayMillis, provider, deviceId, challengerShare, reviewAt, declineAt);
  }

  public ScoringSettings withProvider(ExecutionProvider requested) {
    return new ScoringSettings(modelName, maxBatchSize, maxDelayMillis, requested, deviceId, challengerShare, reviewAt, declineAt);
  }

  /** Whether the challenger scores this event: a fixed share by event id, so replays choose the same events. */
  public boolean challengerScores(String eventId) {
    // String.hashCode of similar ids (tx-1, tx-2, ...) differs in the low digits only; mix it
    // (murmur3's finalizer) so any share of consecutive ids is a fair sample.
    int h = eventId.hashCode();
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return (h & 0x7fffffff) % 10_000 < challengerShare * 10_000;
  }
}
