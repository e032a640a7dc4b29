package dev.aifactory.features.source;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.FeatureInput;
import java.io.Serializable;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

/**
 * Turns source records into a view's {@link FeatureInput}s: from the silver Kafka topic (Avro)
 * for streaming and from the silver Iceberg table (Flink rows) for backfills, reading the same
 * fields the same way. Returns null for an event the view does not take (filtered out, or no
 * entity): not an error, the event stays in silver.
 */
public final class FeatureInputs implements Serializable {

  /** Silver's column of when an event reached the factory: the raw record's timestamp (see {@code ArrivalTime}). */
  public static final String ARRIVAL_COLUMN = "_kafka_timestamp";

  private final FeatureView view;

  public FeatureInputs(FeatureView view) {
    this.view = view;
  }

  public FeatureInput fromAvro(GenericRecord r) {
    Object entity = r.get(view.entity());
    if (entity == null || view.filterField() != null && !passesFilter(r.get(view.filterField()))) {
      return null;
    }
    double[] numbers = new double[view.numericFields().size()];
    for (int i = 0; i < numbers.length; i++) {
      Object v = r.get(view.numericFields().get(i));
      numbers[i] = v == null ? Double.NaN : ((Number) v).doubleValue();
    }
    String[] categories = new String[view.distinctFields().size()];
    for (int i = 0; i < categories.length; i++) {
      Object v = r.get(view.distinctFields().get(i));
      categories[i] = v == null ? null : v.toString();
    }
    return new FeatureInput(entity.toString(), String.valueOf(r.get(view.eventIdField())),
        ((Number) r.get(view.eventTimeField())).longValue(), numbers, categories);
  }

  private boolean passesFilter(Object value) {
    return value != null && view.filterValues().contains(value.toString());
  }

  /** Reads rows of a table whose Flink row type is {@code type} (the silver table's). */
  public RowReader rowReader(RowType type) {
    return new RowReader(this, type);
  }

  /** Field positions resolved once against a row type. */
  public static final class RowReader implements Serializable {
    private final FeatureInputs inputs;
    private final int entity;
    private final int eventId;
    private final int eventTime;
    private final int filter;
    private final int[] numbers;
    private final LogicalType[] numberTypes;
    private final int[] categories;
    private final int arrival;

    RowReader(FeatureInputs inputs, RowType type) {
      this.inputs = inputs;
      FeatureView view = inputs.view;
      entity = position(type, view.entity());
      eventId = position(type, view.eventIdField());
      eventTime = position(type, view.eventTimeField());
      filter = view.filterField() == null ? -1 : position(type, view.filterField());
      numbers = view.numericFields().stream().mapToInt(f -> position(type, f)).toArray();
      numberTypes = new LogicalType[numbers.length];
      for (int i = 0; i < numbers.length; i++) {
        numberTypes[i] = type.getTypeAt(numbers[i]);
      }
      categories = view.distinctFields().stream().mapToInt(f -> position(type, f)).toArray();
      arrival = type.getFieldIndex(ARRIVAL_COLUMN);
    }

    /** When the row's event reached the factory (silver's {@code _kafka_timestamp}); {@code Long.MIN_VALUE} if unknown. */
    public long arrivalTime(RowData row) {
      return arrival < 0 || row.isNullAt(arrival) ? Long.MIN_VALUE : row.getTimestamp(arrival, 6).getMillisecond();
    }

    public FeatureInput read(RowData row) {
      if (row.isNullAt(entity) || filter >= 0 && (row.isNullAt(filter)
          || !inputs.view.filterValues().contains(row.getString(filter).toString()))) {
        return null;
      }
      double[] values = new double[numbers.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = row.isNullAt(numbers[i]) ? Double.NaN : number(row, numbers[i], numberTypes[i]);
      }
      String[] cats = new String[categories.length];
      for (int i = 0; i < cats.length; i++) {
        cats[i] = row.isNullAt(categories[i]) ? null : row.getString(categories[i]).toString();
      }
      return new FeatureInput(row.getString(entity).toString(), row.getString(eventId).toString(),
          row.getTimestamp(eventTime, 6).getMillisecond(), values, cats);
    }

    private static double number(RowData row, int pos, LogicalType type) {
      return switch (type.getTypeRoot()) {
        case INTEGER -> row.getInt(pos);
        case BIGINT -> row.getLong(pos);
        case FLOAT -> row.getFloat(pos);
        case DOUBLE -> row.getDouble(pos);
        default -> throw new IllegalArgumentException("not a number column: " + type);
      };
    }

    private static int position(RowType type, String field) {
      int pos = type.getFieldIndex(field);
      if (pos < 0) {
        throw new IllegalArgumentException("the source table has no column " + field + ": " + type);
      }
      return pos;
    }
  }
}
