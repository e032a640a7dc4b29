package dev.aifactory.ingest.sink;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.util.Utf8;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Maps the top-level fields of an Avro record schema to Iceberg columns and converts values to
 * Flink's internal row format. Primitive types map one to one (timestamp-millis to timestamptz,
 * enums to strings); nested types are kept as their JSON text so bronze never loses a field.
 */
final class AvroColumns {

  /** One column: its Iceberg definition and how to turn the Avro value into a RowData value. */
  record Column(int pos, Types.NestedField field, Function<Object, Object> convert) {}

  private AvroColumns() {}

  /**
   * @param allOptional true for bronze (a later writer may drop any field), false to keep the
   *     schema's own nullability (silver follows the contract)
   */
  static List<Column> of(Schema record, int firstId, boolean allOptional) {
    List<Column> columns = new ArrayList<>();
    int id = firstId;
    for (Schema.Field f : record.getFields()) {
      Schema type = f.schema();
      boolean nullable = false;
      if (type.getType() == Schema.Type.UNION) {
        List<Schema> branches = type.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
        nullable = branches.size() < type.getTypes().size();
        type = branches.size() == 1 ? branches.get(0) : type;
      }
      Type iceberg = icebergType(type);
      Types.NestedField field = allOptional || nullable
          ? Types.NestedField.optional(id++, f.name(), iceberg, f.doc())
          : Types.NestedField.required(id++, f.name(), iceberg, f.doc());
      columns.add(new Column(f.pos(), field, converter(type)));
    }
    return columns;
  }

  private static Type icebergType(Schema s) {
    return switch (s.getType()) {
      case STRING, ENUM -> Types.StringType.get();
      case INT -> Types.IntegerType.get();
      case LONG -> isTimestampMillis(s) ? Types.TimestampType.withZone() : Types.LongType.get();
      case FLOAT -> Types.FloatType.get();
      case DOUBLE -> Types.DoubleType.get();
      case BOOLEAN -> Types.BooleanType.get();
      case BYTES, FIXED -> Types.BinaryType.get();
      default -> Types.StringType.get();
    };
  }

  private static Function<Object, Object> converter(Schema s) {
    return switch (s.getType()) {
      case STRING, ENUM -> AvroColumns::string;
      case LONG -> isTimestampMillis(s)
          ? v -> v == null ? null : TimestampData.fromEpochMillis(((Number) v).longValue())
          : v -> v;
      case INT, FLOAT, DOUBLE, BOOLEAN -> v -> v;
      case BYTES -> v -> {
        if (v == null) {
          return null;
        }
        ByteBuffer b = ((ByteBuffer) v).duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
      };
      case FIXED -> v -> v == null ? null : ((org.apache.avro.generic.GenericFixed) v).bytes();
      default -> AvroColumns::string;
    };
  }

  /**
   * Avro strings arrive as {@link Utf8}, already UTF-8 bytes: wrap them as they are instead of
   * decoding to a Java string and encoding back. The decoder never reuses records, so the bytes
   * are not overwritten later.
   */
  private static Object string(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Utf8 utf8) {
      return StringData.fromBytes(utf8.getBytes(), 0, utf8.getByteLength());
    }
    return StringData.fromString(v.toString());
  }

  private static boolean isTimestampMillis(Schema s) {
    return s.getLogicalType() instanceof LogicalTypes.TimestampMillis;
  }
}
