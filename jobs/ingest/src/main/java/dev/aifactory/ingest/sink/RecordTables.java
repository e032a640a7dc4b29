package dev.aifactory.ingest.sink;

import dev.aifactory.ingest.model.Accepted;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.types.Types;

/**
 * The Iceberg shape of records of one Avro schema: lineage columns then the schema's fields, the
 * partition spec, and the conversion of a decoded record into a row. One is built per writer
 * schema (bronze) or per contract (silver) and cached.
 */
final class RecordTables {

  final org.apache.iceberg.Schema schema;
  final PartitionSpec spec;
  private final List<Lineage.Column> lineage;
  private final List<AvroColumns.Column> columns;

  private RecordTables(List<Lineage.Column> lineage, List<AvroColumns.Column> columns, String partitionDayOf) {
    this.lineage = lineage;
    this.columns = columns;
    List<Types.NestedField> fields = new ArrayList<>(Lineage.fields(lineage));
    columns.forEach(c -> fields.add(c.field()));
    this.schema = new org.apache.iceberg.Schema(fields);
    this.spec = PartitionSpec.builderFor(schema).day(partitionDayOf).build();
  }

  /** Bronze: every column optional, partitioned by the day of ingestion. */
  static RecordTables bronze(org.apache.avro.Schema writer) {
    return new RecordTables(Lineage.BRONZE, AvroColumns.of(writer, Lineage.FIRST_DATA_ID, true), "_ingest_time");
  }

  /** Silver: the contract's nullability, partitioned by the day of the event. */
  static RecordTables silver(org.apache.avro.Schema contract, String eventTimeField) {
    return new RecordTables(Lineage.SILVER, AvroColumns.of(contract, Lineage.FIRST_DATA_ID, false), eventTimeField);
  }

  /** Bronze's columns before any writer added its own. */
  static org.apache.iceberg.Schema bronzeLineageOnly() {
    return new org.apache.iceberg.Schema(Lineage.fields(Lineage.BRONZE));
  }

  RowData row(Accepted source, GenericRecord record) {
    int lineageCount = lineage.size();
    Object[] values = new Object[lineageCount + columns.size()];
    for (int i = 0; i < lineageCount; i++) {
      values[i] = lineage.get(i).value().apply(source);
    }
    for (int i = 0; i < columns.size(); i++) {
      AvroColumns.Column c = columns.get(i);
      values[lineageCount + i] = c.convert().apply(record.get(c.pos()));
    }
    return GenericRowData.of(values);
  }
}
