package dev.aifactory.savepoints;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import dev.aifactory.features.FeaturesJobMain;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.model.FeatureInput;
import java.time.Instant;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Bootstraps a features savepoint from the silver table: {@code --features.view},
 * {@code --bootstrap.cutoff} (ISO-8601), {@code --bootstrap.savepoint} (a folder URI), plus the
 * features job's configuration (Iceberg catalog). Then start the job with
 * {@code -s <savepoint> --features.starting-offsets timestamp:<cutoff>}.
 */
public final class FeatureStateBootstrapMain {

  private FeatureStateBootstrapMain() {}

  public static void main(String[] args) throws Exception {
    JobConfig config = JobConfig.load("features-defaults.properties", args);
    FeatureView view = FeatureViews.load(config.get("features.view"));
    long cutoff = Instant.parse(config.get("bootstrap.cutoff")).toEpochMilli();
    Configuration flink = Configuration.fromMap(config.withPrefix("flink."));
    flink.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
    // Every slice the job would still hold at the cutoff: windows, TTL and lateness back.
    long from = cutoff - view.ttlMillis() - view.allowedLatenessMillis();
    // Events that arrived too late to count come out of the source as dead letters: the job
    // never counted them, so its bootstrapped state does not either.
    var history = FeaturesJobMain.silverTable(env, config, view, IcebergCatalogs.loader(config), from)
        .filter(r -> r.input != null).name("counted events")
        .map(r -> r.input).returns(TypeInformation.of(FeatureInput.class)).name("inputs");
    FeatureStateBootstrap.write(env, history, view, cutoff, config.get("bootstrap.savepoint"),
        config.getInt("bootstrap.max-parallelism", 128));
    env.execute("factory-bootstrap-" + view.id());
    System.out.println("wrote " + config.get("bootstrap.savepoint") + "; start the job with it and --features.starting-offsets"
        + " timestamp:" + Instant.ofEpochMilli(cutoff));
  }
}
