package dev.aifactory.savepoints;

import dev.aifactory.common.deadletter.DeadLetter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.features.FeaturesTopology;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.model.FeatureInput;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.sink.FeatureSinks;
import dev.aifactory.features.source.SourceRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A features job started from a savepoint bootstrapped from the events before a cutoff emits,
 * after the cutoff, exactly what a job that processed every event emits.
 */
class FeatureStateBootstrapTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  static final long MIN = 60_000;
  static final long CUTOFF = 30 * MIN;
  static final FeatureView VIEW = FeatureViews.parse("""
      name: bootstrap_test
      version: 1
      entity: card_id
      source: transactions
      contract: dev.aifactory.payments.Transaction
      slide: 1min
      ttl: 20min
      allowed_lateness: 0s
      features:
        - {name: count_5m,   aggregation: count,           window: 5min}
        - {name: sum_20m,    aggregation: sum,             field: amount, window: 20min}
        - {name: max_20m,    aggregation: max,             field: amount, window: 20min}
        - {name: merchants,  aggregation: approx_distinct, field: merchant_id, window: 20min}
        - {name: last_20m,   aggregation: last,            field: amount, window: 20min}
      """);

  @Test
  void aJobStartedFromTheBootstrappedSavepointEmitsWhatAJobThatSawEveryEventEmits(@TempDir Path tmp) throws Exception {
    List<FeatureInput> events = events();
    List<FeatureInput> before = events.stream().filter(e -> e.eventTime < CUTOFF).toList();
    List<FeatureInput> after = events.stream().filter(e -> e.eventTime >= CUTOFF).toList();
    assertThat(before).isNotEmpty();
    assertThat(after).isNotEmpty();

    Map<String, String> full = afterCutoff(run(events, null));
    assertThat(full.keySet()).as("the quiet card decays and expires after the cutoff").anyMatch(k -> k.startsWith("quiet@"));
    assertThat(full.values()).contains("tombstone");

    StreamExecutionEnvironment batch = StreamExecutionEnvironment.getExecutionEnvironment();
    batch.setRuntimeMode(RuntimeExecutionMode.BATCH);
    batch.setParallelism(2);
    String savepoint = tmp.resolve("bootstrap").toUri().toString();
    FeatureStateBootstrap.write(batch, batch.fromData(before), VIEW, CUTOFF, savepoint, 128);
    batch.execute("bootstrap-under-test");

    Map<String, String> resumed = afterCutoff(run(after, savepoint));
    assertThat(full).isNotEmpty();
    assertThat(resumed).containsExactlyInAnyOrderEntriesOf(full);

    // Without the bootstrap the windows start empty: the same events give other values.
    assertThat(afterCutoff(run(after, null))).isNotEqualTo(full);
  }

  /**
   * 6 cards, an hour of events in time order, and a quiet card seen only shortly before the
   * cutoff: its windows must decay and its tombstone come after the cutoff with no new event.
   */
  static List<FeatureInput> events() {
    Random random = new Random(5);
    List<FeatureInput> events = new ArrayList<>();
    long time = 0;
    while (time < 60 * MIN) {
      time += random.nextInt(40_000);
      String card = "c" + random.nextInt(6);
      events.add(new FeatureInput(card, "e" + events.size(), time, new double[] {1 + random.nextInt(100)},
          new String[] {"m" + random.nextInt(5)}));
      if (time > CUTOFF - 8 * MIN && time < CUTOFF - 5 * MIN && random.nextBoolean()) {
        events.add(new FeatureInput("quiet", "q" + events.size(), time, new double[] {7}, new String[] {"m9"}));
      }
    }
    return events;
  }

  static List<FeatureRow> run(List<FeatureInput> events, String savepoint) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    if (savepoint != null) {
      Configuration restore = new Configuration();
      restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
      env.configure(restore);
    }
    // One subtask: each card's events arrive in time order, as from a Kafka partition, so every
    // served vector holds every earlier event. (fromData is one subtask; at parallelism 2 the
    // next operator would round-robin its records and a card's events could arrive out of
    // order, a vector then being served before an earlier event arrived, in one run and not the
    // other.) The savepoint is written at parallelism 2, so restoring it also rescales.
    env.setParallelism(1);
    DataStream<SourceRecord> source = env.fromData(events.stream().map(SourceRecord::of).toList())
        .assignTimestampsAndWatermarks(WatermarkStrategy.<SourceRecord>forMonotonousTimestamps()
            .withTimestampAssigner((r, t) -> r.input.eventTime));
    Collecting sinks = new Collecting();
    FeaturesTopology.build(source, VIEW, sinks);
    env.execute("features-under-test");
    List<FeatureRow> rows = new ArrayList<>();
    sinks.history.getOutput().forEachRemaining(rows::add);
    return rows;
  }

  /**
   * entity@valid_from -> the newest row's values, for rows valid after the cutoff: every event
   * row, and the decay rows after an entity's last event. (A decay row between two events is
   * written only if the watermark passed it before the newer event arrived, which depends on
   * timing, not on the state restored; see PerEventFeatures.)
   */
  static Map<String, String> afterCutoff(List<FeatureRow> rows) {
    Map<String, Long> lastEvent = new java.util.HashMap<>();
    rows.stream().filter(r -> FeatureRow.EVENT.equals(r.kind)).forEach(r -> lastEvent.merge(r.entity, r.validFrom, Math::max));
    Map<String, String> out = new TreeMap<>();
    rows.stream().filter(r -> r.validFrom > CUTOFF)
        .filter(r -> FeatureRow.EVENT.equals(r.kind) || r.validFrom > lastEvent.getOrDefault(r.entity, Long.MIN_VALUE))
        .sorted((a, b) -> Long.compare(a.emittedAtMicros, b.emittedAtMicros))
        .forEach(r -> out.put(r.entity + "@" + r.validFrom, r.tombstone ? "tombstone" : Arrays.toString(r.values)));
    return out;
  }

  static final class Collecting implements FeatureSinks {
    final DataStream.Collector<FeatureRow> history = new DataStream.Collector<>();

    @Override
    public void history(DataStream<FeatureRow> rows) {
      rows.collectAsync(history);
    }

    @Override
    public void online(DataStream<FeatureRow> rows) {
      rows.sinkTo(new DiscardingSink<>());
    }

    @Override
    public void dropped(DataStream<DeadLetter> events) {
      events.sinkTo(new DiscardingSink<>());
    }
  }
}
