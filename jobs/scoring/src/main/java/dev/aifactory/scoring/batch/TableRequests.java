package dev.aifactory.scoring.batch;

import dev.aifactory.models.ModelSignature;
import dev.aifactory.scoring.model.ScoringRequest;
import java.io.Serializable;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;

/**
 * Reads scoring requests from the rows of a table that has an id, an entity, an event time and
 * the model's feature columns by name (a training set has exactly that shape). A null feature is
 * a missing value (NaN), as in the stream.
 */
public final class TableRequests implements MapFunction<RowData, ScoringRequest>, Serializable {

  /** Which columns hold what. */
  public record Columns(String id, String entity, String time, String validFrom) implements Serializable {}

  private final int id;
  private final int entity;
  private final int time;
  private final int validFrom;
  private final int[] features;
  private final LogicalTypeRoot[] featureTypes;

  public TableRequests(RowType rowType, Columns columns, ModelSignature signature) {
    List<String> names = rowType.getFieldNames();
    this.id = index(names, columns.id());
    this.entity = index(names, columns.entity());
    this.time = index(names, columns.time());
    this.validFrom = columns.validFrom() == null ? -1 : names.indexOf(columns.validFrom());
    this.features = new int[signature.width()];
    this.featureTypes = new LogicalTypeRoot[signature.width()];
    for (int i = 0; i < features.length; i++) {
      features[i] = index(names, signature.featureOrder().get(i));
      LogicalType type = rowType.getTypeAt(features[i]);
      featureTypes[i] = type.getTypeRoot();
      if (!type.is(org.apache.flink.table.types.logical.LogicalTypeFamily.NUMERIC)) {
        throw new IllegalArgumentException("feature column " + signature.featureOrder().get(i) + " is " + type + ", not numeric");
      }
    }
  }

  private static int index(List<String> names, String name) {
    int i = names.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("the input has no column " + name + "; it has " + names);
    }
    return i;
  }

  @Override
  public ScoringRequest map(RowData row) {
    double[] x = new double[features.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = row.isNullAt(features[i]) ? Double.NaN : number(row, features[i], featureTypes[i]);
    }
    long from = validFrom < 0 || row.isNullAt(validFrom) ? -1 : row.getTimestamp(validFrom, 6).getMillisecond();
    return new ScoringRequest(row.getString(id).toString(), row.getString(entity).toString(),
        row.getTimestamp(time, 6).getMillisecond(), from, x);
  }

  private static double number(RowData row, int pos, LogicalTypeRoot type) {
    return switch (type) {
      case BIGINT -> row.getLong(pos);
      case INTEGER -> row.getInt(pos);
      case SMALLINT -> row.getShort(pos);
      case TINYINT -> row.getByte(pos);
      case FLOAT -> row.getFloat(pos);
      case DOUBLE -> row.getDouble(pos);
      case DECIMAL -> row.getDecimal(pos, 38, 18).toBigDecimal().doubleValue();
      default -> throw new IllegalArgumentException("not a number column: " + type);
    };
  }
}
