package dev.aifactory.savepoints.layouts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.cost.model.ResourceWindow;
import dev.aifactory.cost.model.Sample;
import dev.aifactory.cost.model.UsageRecord;
import dev.aifactory.savepoints.SavepointInspector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every released state layout of the cost job (savepoints/layouts/cost/*) restores into this
 * build: the samples of the hour window open at the savepoint are still there (the hour's row
 * counts all of them), and every window closed after the restore equals what a run that never
 * stopped produces. v1 is the layout before {@code Sample} gained a field; the POJO serializer
 * migrates it, the new field taking its default.
 */
class CostStateLayoutTest {

  static Stream<Path> layouts() throws Exception {
    try (Stream<Path> dirs = Files.list(Path.of("layouts/cost"))) {
      return dirs.filter(d -> Files.exists(d.resolve("_metadata"))).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("layouts")
  void aReleasedLayoutRestoresAndTheOpenWindowKeepsItsSamples(Path layout) throws Exception {
    var report = SavepointInspector.inspect(layout.toAbsolutePath().toUri().toString(), getClass().getClassLoader());
    assertThat(report.operators()).anySatisfy(op -> {
      assertThat(op.uid()).isEqualTo("resource-windows");
      assertThat(op.states()).anySatisfy(s -> assertThat(s.name()).isEqualTo("samples"));
      assertThat(op.keyedBytes()).isPositive();
    });

    // The samples in the savepoint, read as this build's Sample: the open half hour, the field
    // added after v1 empty where the layout predates it.
    List<Sample> held = heldSamples(layout.toAbsolutePath().toUri().toString());
    assertThat(held).extracting(s -> s.eventId).containsExactlyInAnyOrderElementsOf(
        CostLayoutFixture.samples(0, CostLayoutFixture.BEFORE).stream().map(r -> r.sample.eventId).toList());
    if (layout.endsWith("v1")) {
      assertThat(held).allMatch(s -> Double.isNaN(s.fbUsedMib));
    } else {
      assertThat(held).allMatch(s -> s.fbUsedMib == 30_000 - Integer.parseInt(s.eventId.substring(6)) * 10);
    }
    if (layout.endsWith("v1") || layout.endsWith("v2")) {
      assertThat(held).as("before MIG shares: a GPU without one").allMatch(s -> Double.isNaN(s.gpuShare));
    } else {
      assertThat(held).allMatch(s -> s.gpuShare == 1.0);
    }

    Map<String, ResourceWindow> uninterrupted = byWindow(run(CostLayoutFixture.samples(0, CostLayoutFixture.TOTAL), null));
    Map<String, ResourceWindow> restored = byWindow(run(
        CostLayoutFixture.samples(CostLayoutFixture.BEFORE, CostLayoutFixture.TOTAL), layout.toAbsolutePath().toUri().toString()));

    ResourceWindow hour = restored.get("gpu-0@" + CostLayoutFixture.T0 + "+3600000");
    assertThat(hour).as("the hour window closed after the restore").isNotNull();
    assertThat(hour.samples).as("samples from before the savepoint plus after").isEqualTo(360);
    // The field added since v1: restored samples have none, the hour's maximum is the newer samples'.
    double newestLayoutMax = 30_000 - (layout.endsWith("v1") ? CostLayoutFixture.BEFORE : 0) * 10;
    assertThat(hour.gpuMemoryUsedMibMax).isEqualTo(newestLayoutMax);
    assertThat(uninterrupted.get("gpu-0@" + CostLayoutFixture.T0 + "+3600000").gpuMemoryUsedMibMax).isEqualTo(30_000);
    assertThat(restored).isNotEmpty();
    for (Map.Entry<String, ResourceWindow> e : restored.entrySet()) {
      ResourceWindow expected = uninterrupted.get(e.getKey());
      assertThat(expected).as(e.getKey()).isNotNull();
      assertThat(e.getValue()).as(e.getKey()).usingRecursiveComparison()
          .comparingOnlyFields("samples", "coveredSeconds", "busySeconds", "idleSeconds", "utilizationAvg",
              "energyKwh", "assetCost", "workloadCost", "idleCost", "memoryCost", "energyCost")
          .isEqualTo(expected);
    }
  }

  private static List<Sample> heldSamples(String savepoint) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setRuntimeMode(org.apache.flink.api.common.RuntimeExecutionMode.BATCH);
    List<Sample> out = new ArrayList<>();
    try (CloseableIterator<Sample> it = SavepointReader.read(env, savepoint)
        .readKeyedState(OperatorIdentifier.forUid("resource-windows"), new SampleStateReader()).executeAndCollect()) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  private static List<ResourceWindow> run(List<UsageRecord> input, String savepoint) throws Exception {
    Configuration conf = new Configuration();
    conf.setString("state.backend.type", "rocksdb");
    if (savepoint != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
      // the writer's generator source is not this test's source
      conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(1);
    CloseableIterator<ResourceWindow> windows = CostLayoutFixture.build(env,
        env.fromData(TypeInformation.of(UsageRecord.class), input.toArray(UsageRecord[]::new))
            .assignTimestampsAndWatermarks(CostLayoutFixture.WATERMARKS).uid("test-usage"));
    env.executeAsync("cost layout restore");
    List<ResourceWindow> out = new ArrayList<>();
    windows.forEachRemaining(out::add);
    windows.close();
    return out;
  }

  private static Map<String, ResourceWindow> byWindow(List<ResourceWindow> windows) {
    Map<String, ResourceWindow> out = new TreeMap<>();
    for (ResourceWindow w : windows) {
      out.put(w.resourceId + "@" + w.windowStart + "+" + (w.windowEnd - w.windowStart), w);
    }
    return out;
  }
}
