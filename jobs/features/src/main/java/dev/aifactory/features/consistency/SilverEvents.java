package dev.aifactory.features.consistency;

import dev.aifactory.common.kafka.ArrivalTime;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.source.FeatureInputs;
import dev.aifactory.features.model.FeatureInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/** A view's source events from its silver table, per entity, as the view reads them: the offline side of every check. */
public final class SilverEvents {

  private SilverEvents() {}

  /** The events of {@code entities} (all entities if null). */
  public static Map<String, List<FeatureInput>> read(FeatureView view, Table silver, Set<String> entities) {
    Map<String, List<FeatureInput>> out = new HashMap<>();
    var scan = IcebergGenerics.read(silver);
    if (entities != null) {
      scan = scan.where(Expressions.in(view.entity(), entities.toArray()));
    }
    try (CloseableIterable<Record> rows = scan.build()) {
      for (Record r : rows) {
        FeatureInput input = input(view, r);
        if (input != null) {
          out.computeIfAbsent(input.entity, k -> new ArrayList<>()).add(input);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * A silver row as the view reads it; null if the view's filter leaves it out, it has no entity,
   * or it arrived more than the view's allowed lateness after it happened.
   */
  static FeatureInput input(FeatureView view, Record r) {
    if (view.filterField() != null) {
      Object v = r.getField(view.filterField());
      if (v == null || !view.filterValues().contains(v.toString())) {
        return null;
      }
    }
    if (r.getField(view.entity()) == null) {
      return null;
    }
    double[] numbers = view.numericFields().stream()
        .mapToDouble(f -> r.getField(f) == null ? Double.NaN : ((Number) r.getField(f)).doubleValue()).toArray();
    String[] categories = view.distinctFields().stream()
        .map(f -> r.getField(f) == null ? null : r.getField(f).toString()).toArray(String[]::new);
    long time = ((OffsetDateTime) r.getField(view.eventTimeField())).toInstant().toEpochMilli();
    Object arrived = r.getField(FeatureInputs.ARRIVAL_COLUMN);
    if (arrived instanceof OffsetDateTime at
        && ArrivalTime.arrivedLate(time, at.toInstant().toEpochMilli(), view.allowedLatenessMillis())) {
      return null; // arrived too late to count: the streaming job refused it too
    }
    return new FeatureInput((String) r.getField(view.entity()), String.valueOf(r.getField(view.eventIdField())), time,
        numbers, categories);
  }
}
