package dev.aifactory.cost.prices;

import dev.aifactory.common.IcebergTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * A price list kept in Iceberg ({@code cost.prices.table}, for example {@code ref.prices}): read
 * when the job starts, on top of the configured prices; the prices topic changes it while the
 * job runs. Same fields as the Avro {@code Price}.
 */
public final class PriceTable {

  public static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "item", Types.StringType.get(), "GPU_HOUR, VCPU_HOUR, GB_HOUR or KWH"),
      Types.NestedField.optional(2, "accelerator_type", Types.StringType.get()),
      Types.NestedField.required(3, "list_price", Types.DoubleType.get()),
      Types.NestedField.optional(4, "contracted_price", Types.DoubleType.get()),
      Types.NestedField.required(5, "currency", Types.StringType.get()),
      Types.NestedField.required(6, "effective_from", Types.TimestampType.withZone()));

  private PriceTable() {}

  public static Table ensureExists(Catalog catalog, TableIdentifier id) {
    return IcebergTables.createIfMissing(catalog, id, SCHEMA, PartitionSpec.unpartitioned());
  }

  public static List<PriceBook.Entry> read(Table table) {
    List<PriceBook.Entry> entries = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record r : rows) {
        double list = (Double) r.getField("list_price");
        Double contracted = (Double) r.getField("contracted_price");
        entries.add(new PriceBook.Entry((String) r.getField("item"), (String) r.getField("accelerator_type"), list,
            contracted == null ? list : contracted, (String) r.getField("currency"),
            ((OffsetDateTime) r.getField("effective_from")).toInstant().toEpochMilli()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }
}
