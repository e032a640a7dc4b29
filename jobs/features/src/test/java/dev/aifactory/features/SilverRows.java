package dev.aifactory.features;

import dev.aifactory.features.definition.FeatureView;
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

/**
 * Silver rows as a feature view reads them: the columns it takes, and when each event arrived
 * ({@code _kafka_timestamp}). Shared with the savepoints tests (test-jar).
 */
public final class SilverRows {

  private SilverRows() {}

  /** A silver table's schema with just the view's columns and the arrival column. */
  public static Schema schema(FeatureView view) {
    List<Types.NestedField> fields = new ArrayList<>();
    int id = 1;
    fields.add(Types.NestedField.optional(id++, view.entity(), Types.StringType.get()));
    fields.add(Types.NestedField.optional(id++, view.eventIdField(), Types.StringType.get()));
    fields.add(Types.NestedField.optional(id++, view.eventTimeField(), Types.TimestampType.withZone()));
    for (String f : view.numericFields()) {
      fields.add(Types.NestedField.optional(id++, f, Types.DoubleType.get()));
    }
    for (String f : view.distinctFields()) {
      fields.add(Types.NestedField.optional(id++, f, Types.StringType.get()));
    }
    if (view.filterField() != null && !view.distinctFields().contains(view.filterField())) {
      fields.add(Types.NestedField.optional(id++, view.filterField(), Types.StringType.get()));
    }
    fields.add(Types.NestedField.optional(id, FeatureInputs.ARRIVAL_COLUMN, Types.TimestampType.withZone()));
    return new Schema(fields);
  }

  /** One event of {@code entity} the view takes; {@code arrival} null for a row written before the arrival column. */
  public static Record row(FeatureView view, Schema schema, String entity, String eventId, long eventTime, Long arrival) {
    Record r = GenericRecord.create(schema);
    r.setField(view.entity(), entity);
    r.setField(view.eventIdField(), eventId);
    r.setField(view.eventTimeField(), at(eventTime));
    view.numericFields().forEach(f -> r.setField(f, 12.5));
    view.distinctFields().forEach(f -> r.setField(f, "x"));
    if (view.filterField() != null) {
      r.setField(view.filterField(), view.filterValues().iterator().next());
    }
    r.setField(FeatureInputs.ARRIVAL_COLUMN, arrival == null ? null : at(arrival));
    return r;
  }

  private static OffsetDateTime at(long millis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }
}
