package dev.aifactory.ingest.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.ingest.model.Accepted;
import dev.aifactory.ingest.model.Quarantined;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DeduplicateByEventIdTest {

  private static KeyedOneInputStreamOperatorTestHarness<String, Accepted, Accepted> harness() throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new DeduplicateByEventId(Duration.ofMinutes(10), 1024)), Accepted::dedupKey, Types.STRING);
    h.setStateTtlProcessingTime(0);
    return h;
  }

  private static Accepted event(String domain, String id) {
    return event(domain, id, "payload of " + id);
  }

  private static Accepted event(String domain, String id, String payload) {
    Accepted a = new Accepted();
    a.domain = domain;
    a.eventId = id;
    a.topic = "raw." + domain;
    a.payload = payload.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return a;
  }

  private static List<String> ids(KeyedOneInputStreamOperatorTestHarness<String, Accepted, Accepted> h) {
    return h.extractOutputValues().stream().map(a -> a.domain + ":" + a.eventId).toList();
  }

  @Test
  void letsTheFirstOfEachEventIdThroughPerDomain() throws Exception {
    try (var h = harness()) {
      h.open();
      h.processElement(event("tx", "a"), 1);
      h.processElement(event("tx", "a"), 2);
      h.processElement(event("tx", "b"), 3);
      h.processElement(event("labels", "a"), 4); // same id, other domain: not a duplicate
      h.processElement(event("tx", "b"), 5);
      assertThat(ids(h)).containsExactly("tx:a", "tx:b", "labels:a");
    }
  }

  @Test
  void aConflictingDuplicateIsQuarantinedWithItsReasonNotDropped() throws Exception {
    try (var h = harness()) {
      h.open();
      h.processElement(event("tx", "a", "amount=10"), 1);
      h.processElement(event("tx", "a", "amount=10"), 2); // a redelivery: dropped
      h.processElement(event("tx", "a", "amount=99"), 3); // same id, other content: told
      assertThat(ids(h)).containsExactly("tx:a");
      var conflicts = h.getSideOutput(DeduplicateByEventId.CONFLICTS);
      assertThat(conflicts).hasSize(1);
      var q = conflicts.peek().getValue();
      assertThat(q.reason).isEqualTo(Quarantined.CONFLICTING_DUPLICATE);
      assertThat(q.eventId).isEqualTo("a");
      assertThat(new String(q.payload, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("amount=99");
      assertThat(q.detail).contains("first ingested with other content");
    }
  }

  @Test
  void idsSeenByTheJobBeforeConflictsWereToldApartStillDeduplicate() throws Exception {
    // A savepoint of the previous version holds only the "seen" flag for each id, written here
    // the way that version wrote it.
    OperatorSubtaskState snapshot;
    try (var old = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new PreviousVersion()),
        Accepted::dedupKey, Types.STRING)) {
      old.open();
      old.processElement(event("tx", "a"), 1);
      snapshot = old.snapshot(1, 10);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(event("tx", "a"), 2);
      restored.processElement(event("tx", "b"), 3);
      assertThat(ids(restored)).containsExactly("tx:b");
      assertThat(restored.getSideOutput(DeduplicateByEventId.CONFLICTS)).isNull();
    }
  }

  /** The state the job kept before conflicting duplicates were told apart. */
  private static final class PreviousVersion
      extends org.apache.flink.streaming.api.functions.KeyedProcessFunction<String, Accepted, Accepted> {
    private transient org.apache.flink.api.common.state.ValueState<Boolean> seen;

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
      var descriptor = new org.apache.flink.api.common.state.ValueStateDescriptor<>(DeduplicateByEventId.SEEN_STATE, Types.BOOLEAN);
      descriptor.enableTimeToLive(org.apache.flink.api.common.state.StateTtlConfig.newBuilder(Duration.ofMinutes(10))
          .setUpdateType(org.apache.flink.api.common.state.StateTtlConfig.UpdateType.OnCreateAndWrite)
          .setStateVisibility(org.apache.flink.api.common.state.StateTtlConfig.StateVisibility.NeverReturnExpired)
          .build());
      seen = getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(Accepted value, Context ctx, org.apache.flink.util.Collector<Accepted> out) throws Exception {
      seen.update(Boolean.TRUE);
      out.collect(value);
    }
  }

  @Test
  void forgetsIdsAfterTheTtl() throws Exception {
    try (var h = harness()) {
      h.open();
      h.processElement(event("tx", "a"), 1);
      h.setStateTtlProcessingTime(Duration.ofMinutes(9).toMillis());
      h.processElement(event("tx", "a"), 2);
      h.setStateTtlProcessingTime(Duration.ofMinutes(11).toMillis());
      h.processElement(event("tx", "a"), 3); // the TTL ran out: seen as new
      assertThat(ids(h)).containsExactly("tx:a", "tx:a");
    }
  }

  @Test
  void seenIdsSurviveASnapshotAndRestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      h.processElement(event("tx", "a"), 1);
      snapshot = h.snapshot(1, 10);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(event("tx", "a"), 2);
      restored.processElement(event("tx", "c"), 3);
      assertThat(ids(restored)).containsExactly("tx:c");
    }
  }
}
