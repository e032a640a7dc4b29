package dev.aifactory.cost.sink;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Rows of an Iceberg schema from the public fields of a result class, matched by name once, at
 * open: a column {@code window_start}, {@code WindowStart} or {@code x_WindowStart} reads the
 * field {@code windowStart} (or {@code labels.windowStart}). Timestamp columns take epoch
 * milliseconds; a NaN double is null. Keeps the four cost tables' mappings declarative: the
 * schema is the mapping.
 */
public final class PojoRows<T> implements MapFunction<T, RowData> {

  private final Schema schema;
  private final Class<T> type;
  private transient List<Field[]> paths;
  private transient List<Type.TypeID> types;

  public PojoRows(Schema schema, Class<T> type) {
    this.schema = schema;
    this.type = type;
    resolve();
  }

  private void resolve() {
    paths = new ArrayList<>();
    types = new ArrayList<>();
    for (Types.NestedField column : schema.columns()) {
      paths.add(path(column.name()));
      types.add(column.type().typeId());
    }
  }

  private Field[] path(String column) {
    String name = javaName(column);
    try {
      return new Field[] {type.getField(name)};
    } catch (NoSuchFieldException notDirect) {
      try {
        Field labels = type.getField("labels");
        return new Field[] {labels, labels.getType().getField(name)};
      } catch (NoSuchFieldException e) {
        throw new IllegalArgumentException(type.getSimpleName() + " has no field for column " + column + " (" + name + ")");
      }
    }
  }

  /** {@code window_start}, {@code WindowStart}, {@code x_Team} → {@code windowStart}, {@code windowStart}, {@code xTeam}. */
  static String javaName(String column) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : column.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper && out.length() > 0 ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    out.setCharAt(0, Character.toLowerCase(out.charAt(0)));
    return out.toString();
  }

  @Override
  public RowData map(T value) throws Exception {
    if (paths == null) {
      resolve();
    }
    GenericRowData row = new GenericRowData(paths.size());
    for (int i = 0; i < paths.size(); i++) {
      Object v = value;
      for (Field f : paths.get(i)) {
        v = v == null ? null : f.get(v);
      }
      row.setField(i, convert(v, types.get(i)));
    }
    return row;
  }

  private static Object convert(Object v, Type.TypeID type) {
    if (v == null) {
      return null;
    }
    return switch (type) {
      case STRING -> StringData.fromString(v.toString());
      case TIMESTAMP -> TimestampData.fromEpochMillis((Long) v);
      case DOUBLE -> ((Number) v).doubleValue() != ((Number) v).doubleValue() ? null : ((Number) v).doubleValue();
      case LONG -> ((Number) v).longValue();
      case INTEGER -> ((Number) v).intValue();
      default -> v;
    };
  }
}
