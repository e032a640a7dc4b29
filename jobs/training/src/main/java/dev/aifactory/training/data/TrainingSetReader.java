package dev.aifactory.training.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Reads a point-in-time training set ({@code gold.training_<name>}, written by the features
 * module's training-set job) at one snapshot, as {@link Examples} sorted by event time.
 */
public final class TrainingSetReader {

  private TrainingSetReader() {}

  public record Loaded(Examples examples, long snapshotId) {}

  public static Loaded read(Table table, List<String> featureOrder, String eventIdField, String eventTimeField) {
    Snapshot snapshot = table.currentSnapshot();
    if (snapshot == null) {
      throw new IllegalStateException(table.name() + " is empty");
    }
    for (String f : featureOrder) {
      if (table.schema().findField(f) == null) {
        throw new IllegalArgumentException(table.name() + " has no feature column " + f);
      }
    }
    record Row(String id, long time, double[] x, boolean y) {}
    List<Row> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).useSnapshot(snapshot.snapshotId()).build()) {
      for (Record r : records) {
        double[] x = new double[featureOrder.size()];
        for (int i = 0; i < x.length; i++) {
          Object v = r.getField(featureOrder.get(i));
          x[i] = v == null ? Double.NaN : ((Number) v).doubleValue();
        }
        rows.add(new Row((String) r.getField(eventIdField),
            ((OffsetDateTime) r.getField(eventTimeField)).toInstant().toEpochMilli(), x, (Boolean) r.getField("is_fraud")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rows.sort(Comparator.comparingLong(Row::time).thenComparing(Row::id));
    int n = rows.size();
    String[] ids = new String[n];
    long[] times = new long[n];
    double[][] x = new double[n][];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      Row row = rows.get(i);
      ids[i] = row.id();
      times[i] = row.time();
      x[i] = row.x();
      y[i] = row.y();
    }
    return new Loaded(new Examples(ids, times, x, y), snapshot.snapshotId());
  }
}
