package dev.aifactory.features.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.features.SilverRows;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import org.apache.iceberg.Schema;
import org.junit.jupiter.api.Test;

/** The offline side reads silver rows by the streaming source's rules, lateness by arrival included. */
class SilverEventsTest {

  private static final FeatureView VIEW = FeatureViews.load("card_activity");
  private static final Schema SILVER = SilverRows.schema(VIEW);
  private static final long T = 1_796_000_000_000L;

  @Test
  void aRowThatArrivedTooLateToCountIsLeftOutAsTheStreamingSourceLeavesItOut() {
    long lateness = VIEW.allowedLatenessMillis();
    assertThat(SilverEvents.input(VIEW, SilverRows.row(VIEW, SILVER, "t.k1.card", "on-time", T, T + lateness))).isNotNull();
    assertThat(SilverEvents.input(VIEW, SilverRows.row(VIEW, SILVER, "t.k1.card", "late", T, T + lateness + 1))).isNull();
    assertThat(SilverEvents.input(VIEW, SilverRows.row(VIEW, SILVER, "t.k1.card", "no-arrival", T, null)))
        .as("rows written before the column").isNotNull();
  }
}
