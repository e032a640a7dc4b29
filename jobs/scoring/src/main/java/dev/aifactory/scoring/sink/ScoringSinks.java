package dev.aifactory.scoring.sink;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.scoring.model.BatchUsage;
import dev.aifactory.scoring.model.Prediction;
import org.apache.flink.streaming.api.datastream.DataStream;

/** Where the scoring job's outputs go; tests plug in their own. */
public interface ScoringSinks {

  /** The decision stream downstream systems act on. */
  void scores(DataStream<Prediction> predictions);

  /** The audit trail: features used, model version and checksum, shadow scores, timings. */
  void audit(DataStream<Prediction> predictions);

  /** REVIEW decisions with their evidence, for the people who review them. */
  void review(DataStream<Prediction> reviews);

  /** One metering record per inference batch, for the cost job. */
  void usage(DataStream<BatchUsage> usage);

  /** Source records that could not be read, so could not be scored. */
  void unscored(DataStream<DeadLetter> events);
}
