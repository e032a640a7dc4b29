package dev.aifactory.ingest.sink;

import dev.aifactory.ingest.model.DqWindow;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.util.Collector;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecord;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecordGenerator;
import org.apache.iceberg.types.Types;

/** Rows of {@code ingest.dq}: per domain, rule and ingest-time window (when the records were checked), records checked and violations. */
public final class DqRows implements DynamicRecordGenerator<DqWindow> {

  static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "domain", Types.StringType.get()),
      Types.NestedField.required(2, "rule", Types.StringType.get()),
      Types.NestedField.required(3, "window_start", Types.TimestampType.withZone()),
      Types.NestedField.required(4, "window_end", Types.TimestampType.withZone()),
      Types.NestedField.required(5, "records", Types.LongType.get()),
      Types.NestedField.required(6, "violations", Types.LongType.get()),
      Types.NestedField.required(7, "violation_rate", Types.DoubleType.get()));

  static final PartitionSpec SPEC = PartitionSpec.builderFor(SCHEMA).day("window_start").build();

  @Override
  public void generate(DqWindow w, Collector<DynamicRecord> out) throws InterruptedException {
    GenericRowData row = GenericRowData.of(StringData.fromString(w.domain), StringData.fromString(w.rule),
        TimestampData.fromEpochMillis(w.windowStart), TimestampData.fromEpochMillis(w.windowEnd),
        w.records, w.violations, w.violationRate());
    EvolvingCollector.collect(out, new DynamicRecord(IngestTables.DQ, "main", SCHEMA, row, SPEC));
  }
}
