package dev.aifactory.features.sink;

import dev.aifactory.common.Sha256;
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
 * Feature rows as rows of the history table (or the latest table, which has the same columns but
 * {@code tombstone}, plus {@code entity_ref}), in the table's column order, matched by name: a
 * table written by an earlier release has its newer columns at the end. The table may hold
 * columns of other view versions; those are null in this view's rows.
 */
final class HistoryRows implements MapFunction<FeatureRow, RowData> {

  private final FeatureView view;
  private final String[] columns;
  /** For each column: the view's feature index, or -1 for a fixed column or another version's feature. */
  private final int[] featureOfColumn;
  private final boolean[] integral;

  HistoryRows(FeatureView view, Schema table) {
    this.view = view;
    List<Types.NestedField> fields = table.columns();
    columns = new String[fields.size()];
    featureOfColumn = new int[fields.size()];
    integral = new boolean[fields.size()];
    List<String> names = view.features().stream().map(f -> f.name()).toList();
    for (int c = 0; c < fields.size(); c++) {
      columns[c] = fields.get(c).name();
      featureOfColumn[c] = names.indexOf(columns[c]);
      integral[c] = fields.get(c).type().equals(Types.LongType.get());
    }
  }

  @Override
  public RowData map(FeatureRow r) {
    GenericRowData row = new GenericRowData(columns.length);
    for (int c = 0; c < columns.length; c++) {
      row.setField(c, featureOfColumn[c] >= 0 ? feature(r, c) : fixed(r, columns[c]));
    }
    return row;
  }

  private Object feature(FeatureRow r, int c) {
    double v = r.values == null ? Double.NaN : r.values[featureOfColumn[c]];
    return Double.isNaN(v) ? null : integral[c] ? (Object) (long) v : (Object) v;
  }

  private Object fixed(FeatureRow r, String column) {
    return switch (column) {
      case "entity" -> StringData.fromString(r.entity);
      case "entity_ref" -> StringData.fromString(Sha256.hex(r.entity));
      case "feature_view" -> StringData.fromString(view.name());
      case "feature_view_version" -> view.version();
      case "valid_from" -> TimestampData.fromEpochMillis(r.validFrom);
      case "emitted_at" -> TimestampData.fromEpochMillis(Math.floorDiv(r.emittedAtMicros, 1000),
          (int) Math.floorMod(r.emittedAtMicros, 1000) * 1000);
      case "tombstone" -> r.tombstone;
      case "event_id" -> r.eventId == null ? null : StringData.fromString(r.eventId);
      case "row_kind" -> r.kind == null ? null : StringData.fromString(r.kind);
      default -> null; // a feature of another view version
    };
  }
}
