package dev.aifactory.features.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.source.FeatureInputs;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** The offline side reads silver rows by the streaming source's rules, lateness by arrival included. */
class SilverEventsTest {

  private static final FeatureView VIEW = FeatureViews.load("card_activity");
  private static final long T = 1_796_000_000_000L;

  @Test
  void aRowThatArrivedTooLateToCountIsLeftOutAsTheStreamingSourceLeavesItOut() {
    long lateness = VIEW.allowedLatenessMillis();
    assertThat(SilverEvents.input(VIEW, row("on-time", T + lateness))).isNotNull();
    assertThat(SilverEvents.input(VIEW, row("late", T + lateness + 1))).isNull();
    assertThat(SilverEvents.input(VIEW, row("no-arrival", null))).as("rows written before the column").isNotNull();
  }

  private static Record row(String eventId, Long arrival) {
    List<Types.NestedField> fields = new ArrayList<>();
    int id = 1;
    fields.add(Types.NestedField.optional(id++, VIEW.entity(), Types.StringType.get()));
    fields.add(Types.NestedField.optional(id++, VIEW.eventIdField(), Types.StringType.get()));
    fields.add(Types.NestedField.optional(id++, VIEW.eventTimeField(), Types.TimestampType.withZone()));
    for (String f : VIEW.numericFields()) {
      fields.add(Types.NestedField.optional(id++, f, Types.DoubleType.get()));
    }
    for (String f : VIEW.distinctFields()) {
      fields.add(Types.NestedField.optional(id++, f, Types.StringType.get()));
    }
    if (VIEW.filterField() != null && !VIEW.distinctFields().contains(VIEW.filterField())) {
      fields.add(Types.NestedField.optional(id++, VIEW.filterField(), Types.StringType.get()));
    }
    fields.add(Types.NestedField.optional(id, FeatureInputs.ARRIVAL_COLUMN, Types.TimestampType.withZone()));
    Record r = GenericRecord.create(new Schema(fields));
    r.setField(VIEW.entity(), "t.k1.card");
    r.setField(VIEW.eventIdField(), eventId);
    r.setField(VIEW.eventTimeField(), at(T));
    VIEW.numericFields().forEach(f -> r.setField(f, 12.5));
    VIEW.distinctFields().forEach(f -> r.setField(f, "x"));
    if (VIEW.filterField() != null) {
      r.setField(VIEW.filterField(), VIEW.filterValues().iterator().next());
    }
    r.setField(FeatureInputs.ARRIVAL_COLUMN, arrival == null ? null : at(arrival));
    return r;
  }

  private static OffsetDateTime at(long millis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }
}
