package dev.aifactory.savepoints;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.features.FeaturesTopology;
import dev.aifactory.features.SilverRows;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.materialize.EntityFeatures;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bootstrap as shipped ({@code factory run bootstrap-features}) over a silver table that
 * holds an event which arrived too late to count: the streaming job never counted it, so the
 * bootstrapped state must not either (and the run must not fail on it).
 */
class FeatureStateBootstrapMainTest {

  private static final FeatureView VIEW = FeatureViews.load("card_activity");
  private static final long T = 1_796_000_000_000L;
  private static final long MIN = 60_000;

  @Test
  void anEventThatArrivedTooLateIsNotInTheBootstrappedState(@TempDir Path tmp) throws Exception {
    Path warehouse = tmp.resolve("warehouse");
    Table silver = IcebergCatalogs.local(warehouse).loadCatalog().createTable(TableIdentifier.of("silver", VIEW.source()),
        SilverRows.schema(VIEW));
    long lateness = VIEW.allowedLatenessMillis();
    IcebergAppends.append(silver, List.of(
        SilverRows.row(VIEW, silver.schema(), "t.k1.card", "on-time-1", T, T + 1_000L),
        SilverRows.row(VIEW, silver.schema(), "t.k1.card", "arrived-late", T + MIN, T + MIN + lateness + 1),
        SilverRows.row(VIEW, silver.schema(), "t.k1.card", "on-time-2", T + 2 * MIN, T + 2 * MIN)));
    Path savepoint = tmp.resolve("savepoint");

    FeatureStateBootstrapMain.main(new String[] {
        "--iceberg.catalog.warehouse", warehouse.toString(),
        "--features.view", VIEW.name(),
        "--bootstrap.cutoff", Instant.ofEpochMilli(T + 10 * MIN).toString(),
        "--bootstrap.savepoint", savepoint.toUri().toString(),
        "--flink.parallelism.default", "1"});

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
    List<String> held = new ArrayList<>();
    SavepointReader.read(env, savepoint.toUri().toString(), new EmbeddedRocksDBStateBackend())
        .readKeyedState(OperatorIdentifier.forUid(FeaturesTopology.operatorUid(VIEW)), new EventIds(), Types.STRING, Types.STRING)
        .executeAndCollect().forEachRemaining(held::add);
    assertThat(held).containsExactlyInAnyOrder("on-time-1", "on-time-2");
  }

  /** The event ids each entity holds. */
  static final class EventIds extends KeyedStateReaderFunction<String, String> {
    private transient MapState<String, Long> seen;

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext context) {
      seen = getRuntimeContext().getMapState(EntityFeatures.seenState());
    }

    @Override
    public void readKey(String key, Context context, Collector<String> out) throws Exception {
      Set<String> ids = new TreeSet<>();
      seen.keys().forEach(ids::add);
      ids.forEach(out::collect);
    }
  }

}
