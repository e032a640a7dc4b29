package dev.aifactory.features.sink;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.FeatureRow;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * Feature rows as rows of the history table, in the table's column order. The table may hold
 * columns of other view versions; those are null in this view's rows.
 */
final class HistoryRows implements MapFunction<FeatureRow, RowData> {

  private static final int FIXED = 6;

  private final FeatureView view;
  /** For each feature column of the table: the view's feature index, or -1. */
  private final int[] featureOfColumn;
  private final boolean[] integral;

  HistoryRows(FeatureView view, Schema table) {
    this.view = view;
    List<Types.NestedField> columns = table.columns();
    featureOfColumn = new int[columns.size() - FIXED];
    integral = new boolean[featureOfColumn.length];
    List<String> names = view.features().stream().map(f -> f.name()).toList();
    for (int c = FIXED; c < columns.size(); c++) {
      featureOfColumn[c - FIXED] = names.indexOf(columns.get(c).name());
      integral[c - FIXED] = columns.get(c).type().equals(Types.LongType.get());
    }
  }

  @Override
  public RowData map(FeatureRow r) {
    GenericRowData row = new GenericRowData(FIXED + featureOfColumn.length);
    row.setField(0, StringData.fromString(r.entity));
    row.setField(1, StringData.fromString(view.name()));
    row.setField(2, view.version());
    row.setField(3, TimestampData.fromEpochMillis(r.validFrom));
    row.setField(4, TimestampData.fromEpochMillis(Math.floorDiv(r.emittedAtMicros, 1000),
        (int) Math.floorMod(r.emittedAtMicros, 1000) * 1000));
    row.setField(5, r.tombstone);
    for (int c = 0; c < featureOfColumn.length; c++) {
      int f = featureOfColumn[c];
      double v = f < 0 || r.values == null ? Double.NaN : r.values[f];
      row.setField(FIXED + c, Double.isNaN(v) ? null : integral[c] ? (Object) (long) v : (Object) v);
    }
    return row;
  }
}
