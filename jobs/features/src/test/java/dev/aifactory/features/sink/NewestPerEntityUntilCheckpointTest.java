package dev.aifactory.features.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.features.model.FeatureRow;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class NewestPerEntityUntilCheckpointTest {

  private static FeatureRow row(String entity, long validFrom, boolean tombstone) {
    return new FeatureRow(entity, validFrom, validFrom * 1000, tombstone, tombstone ? new double[0] : new double[] {validFrom});
  }

  private static List<String> out(OneInputStreamOperatorTestHarness<FeatureRow, FeatureRow> h) {
    return h.extractOutputValues().stream().map(r -> r.entity + "@" + r.validFrom + (r.tombstone ? "†" : "")).sorted().toList();
  }

  @Test
  void passesOnEachEntitysLastRowBeforeTheBarrierAndNothingEarlier() throws Exception {
    try (var h = new OneInputStreamOperatorTestHarness<>(new NewestPerEntityUntilCheckpoint())) {
      h.open();
      h.processElement(row("a", 1, false), 1);
      h.processElement(row("b", 2, false), 2);
      h.processElement(row("a", 3, false), 3);
      h.processElement(row("c", 4, false), 4);
      h.processElement(row("c", 5, true), 5); // expired: the tombstone is what the table must see
      assertThat(h.extractOutputValues()).as("held until the checkpoint").isEmpty();

      h.prepareSnapshotPreBarrier(1);
      assertThat(out(h)).containsExactly("a@3", "b@2", "c@5†");

      h.snapshot(1, 10);
      h.processElement(row("a", 6, false), 6);
      h.prepareSnapshotPreBarrier(2);
      assertThat(out(h)).as("the next interval starts empty").containsExactly("a@3", "a@6", "b@2", "c@5†");
    }
  }

  @Test
  void theEndOfABoundedInputPassesOnWhatIsHeld() throws Exception {
    try (var h = new OneInputStreamOperatorTestHarness<>(new NewestPerEntityUntilCheckpoint())) {
      h.open();
      h.processElement(row("a", 1, false), 1);
      h.processElement(row("a", 2, false), 2);
      h.endInput();
      assertThat(out(h)).containsExactly("a@2");
    }
  }

  @Test
  void manyEntitiesArePassedOnEarlyRatherThanHeldWithoutBound() throws Exception {
    try (var h = new OneInputStreamOperatorTestHarness<>(new NewestPerEntityUntilCheckpoint(3))) {
      h.open();
      h.processElement(row("a", 1, false), 1);
      h.processElement(row("b", 2, false), 2);
      assertThat(h.extractOutputValues()).isEmpty();
      h.processElement(row("c", 3, false), 3);
      assertThat(out(h)).containsExactly("a@1", "b@2", "c@3");
      h.processElement(row("a", 4, false), 4);
      h.prepareSnapshotPreBarrier(1);
      assertThat(out(h)).as("a's later row follows its earlier one").containsExactly("a@1", "a@4", "b@2", "c@3");
    }
  }
}
