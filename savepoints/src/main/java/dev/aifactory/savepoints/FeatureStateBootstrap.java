package dev.aifactory.savepoints;

import dev.aifactory.features.FeaturesTopology;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.FeatureInput;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Builds a savepoint for the features job from history, so a new feature view starts with full
 * windows instead of replaying weeks of Kafka: the events before {@code cutoff} (from the silver
 * table, say) become the view operator's tiles, pending timers and emission state, exactly as
 * if the job had processed them. Start the streaming job from the savepoint with its Kafka
 * source reading from {@code cutoff} ({@code --features.starting-offsets timestamp:<cutoff>}).
 */
public final class FeatureStateBootstrap {

  private FeatureStateBootstrap() {}

  /**
   * Adds the bootstrap to {@code env} (run it in BATCH mode) and writes the savepoint to
   * {@code path} when the environment executes.
   *
   * @param maxParallelism must equal the streaming job's (Flink's default is 128 up to a parallelism of 128)
   */
  public static void write(StreamExecutionEnvironment env, DataStream<FeatureInput> history, FeatureView view, long cutoff,
      String path, int maxParallelism) {
    StateBootstrapTransformation<FeatureInput> features = OperatorTransformation
        .bootstrapWith(history.filter(e -> e.eventTime < cutoff))
        .keyBy(e -> e.entity)
        .transform(new FeatureStateBootstrapper(view, cutoff));
    SavepointWriter.newSavepoint(env, new HashMapStateBackend(), maxParallelism)
        .withOperator(OperatorIdentifier.forUid(FeaturesTopology.operatorUid(view)), features)
        .write(path);
  }
}
