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
  private final List<AvroColumns.Column> columns;

  private RecordTables(org.apache.iceberg.Schema schema, PartitionSpec spec, List<AvroColumns.Column> columns) {
    this.schema = schema;
    this.spec = spec;
    this.columns = columns;
  }

  /** Bronze: every column optional, partitioned by the day of ingestion. */
  static RecordTables bronze(org.apache.avro.Schema writer) {
    List<AvroColumns.Column> columns = AvroColumns.of(writer, Lineage.FIRST_DATA_ID, true);
    org.apache.iceberg.Schema schema = schemaOf(columns);
    return new RecordTables(schema, PartitionSpec.builderFor(schema).day("_ingest_time").build(), columns);
  }

  /** Silver: the contract's nullability, partitioned by the day of the event. */
  static RecordTables silver(org.apache.avro.Schema contract, String eventTimeField) {
    List<AvroColumns.Column> columns = AvroColumns.of(contract, Lineage.FIRST_DATA_ID, false);
    org.apache.iceberg.Schema schema = schemaOf(columns);
    return new RecordTables(schema, PartitionSpec.builderFor(schema).day(eventTimeField).build(), columns);
  }

  private static org.apache.iceberg.Schema schemaOf(List<AvroColumns.Column> columns) {
    List<Types.NestedField> fields = new ArrayList<>(Lineage.COLUMNS);
    columns.forEach(c -> fields.add(c.field()));
    return new org.apache.iceberg.Schema(fields);
  }

  RowData row(Accepted lineage, GenericRecord record) {
    int lineageCount = Lineage.COLUMNS.size();
    Object[] values = new Object[lineageCount + columns.size()];
    Lineage.fill(values, lineage);
    for (int i = 0; i < columns.size(); i++) {
      AvroColumns.Column c = columns.get(i);
      values[lineageCount + i] = c.convert().apply(record.get(c.avroName()));
    }
    return GenericRowData.of(values);
  }
}
