package dev.aifactory.features.sink;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.features.model.FeatureRow;
import org.apache.flink.streaming.api.datastream.DataStream;

/** Where the features job writes; tests and backfills plug in their own. */
public interface FeatureSinks {

  /** Every row, corrections and tombstones included: the point-in-time history. */
  void history(DataStream<FeatureRow> rows);

  /** Rows that are the newest for their entity when emitted: the online store. */
  void online(DataStream<FeatureRow> rows);

  /** Events that changed no feature (too late, unreadable), with why. */
  void dropped(DataStream<DeadLetter> events);
}
