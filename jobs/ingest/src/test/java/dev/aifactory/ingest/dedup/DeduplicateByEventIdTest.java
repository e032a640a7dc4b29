package dev.aifactory.ingest.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.ingest.model.Accepted;
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
        new KeyedProcessOperator<>(new DeduplicateByEventId(Duration.ofMinutes(10))), Accepted::dedupKey, Types.STRING);
    h.setStateTtlProcessingTime(0);
    return h;
  }

  private static Accepted event(String domain, String id) {
    Accepted a = new Accepted();
    a.domain = domain;
    a.eventId = id;
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
