package dev.aifactory.features.sink;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.DroppedEvent;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;

/** Dropped events as rows of {@code gold.features_late}. */
public final class DroppedRows implements MapFunction<DroppedEvent, RowData> {

  private final String view;
  private final int version;

  public DroppedRows(FeatureView view) {
    this.view = view.name();
    this.version = view.version();
  }

  @Override
  public RowData map(DroppedEvent e) {
    return GenericRowData.of(StringData.fromString(view), version, StringData.fromString(e.reason),
        StringData.fromString(e.detail), StringData.fromString(e.entity), StringData.fromString(e.eventId),
        TimestampData.fromEpochMillis(e.eventTime),
        e.watermark == Long.MIN_VALUE ? null : TimestampData.fromEpochMillis(e.watermark),
        TimestampData.fromEpochMillis(e.droppedAt));
  }
}
