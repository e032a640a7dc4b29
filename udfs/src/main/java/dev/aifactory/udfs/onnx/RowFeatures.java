package dev.aifactory.udfs.onnx;

import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/** Reads ML_PREDICT's input row as a feature vector: numbers as doubles, SQL NULL as NaN (missing). */
final class RowFeatures {

  private RowFeatures() {}

  static void read(RowData row, LogicalTypeRoot[] types, double[] into) {
    for (int i = 0; i < types.length; i++) {
      into[i] = row.isNullAt(i) ? Double.NaN : switch (types[i]) {
        case BIGINT -> row.getLong(i);
        case INTEGER -> row.getInt(i);
        case SMALLINT -> row.getShort(i);
        case TINYINT -> row.getByte(i);
        case FLOAT -> row.getFloat(i);
        case DOUBLE -> row.getDouble(i);
        case DECIMAL -> throw new IllegalArgumentException("DECIMAL inputs are not supported; cast to DOUBLE");
        default -> throw new IllegalArgumentException("not a numeric input: " + types[i]);
      };
    }
  }

  static Object output(float score, LogicalTypeRoot type) {
    return type == LogicalTypeRoot.FLOAT ? (Object) score : (Object) (double) score;
  }
}
