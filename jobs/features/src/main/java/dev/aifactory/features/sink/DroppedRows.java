package dev.aifactory.features.sink;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.common.deadletter.DeadLetterTable;
import dev.aifactory.features.definition.FeatureView;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.table.data.RowData;

/**
 * Dropped events as dead-letter rows ({@code gold.features_late}, or the scoring job's
 * {@code gold.scoring_unscored}), naming the job that dropped them and the view they were for.
 */
public final class DroppedRows implements MapFunction<DeadLetter, RowData> {

  private final String job;
  private final String view;
  private final int version;

  public DroppedRows(String job, FeatureView view) {
    this.job = job;
    this.view = view.name();
    this.version = view.version();
  }

  @Override
  public RowData map(DeadLetter e) {
    e.job = job;
    e.withSubject(view, version);
    return DeadLetterTable.row(e);
  }
}
