package dev.aifactory.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.io.OutputFile;

/**
 * Appends a few rows to an Iceberg table outside Flink, with Iceberg's own generic Parquet
 * writer, in one commit: for small control tables (the model registry) and test data.
 */
public final class IcebergAppends {

  private IcebergAppends() {}

  /** Appends {@code records} as one data file; in a partitioned table they must share the first one's partition. */
  public static void append(Table table, List<Record> records) {
    table.newAppend().appendFile(write(table, records)).commit();
  }

  /** Writes {@code records} as one data file of {@code table}, not yet committed. */
  public static DataFile write(Table table, List<Record> records) {
    OutputFile file = table.io().newOutputFile(table.locationProvider().newDataLocation(System.nanoTime() + ".parquet"));
    FileAppender<Record> appender = new GenericAppenderFactory(table.schema(), table.spec()).newAppender(file, FileFormat.PARQUET);
    try (appender) {
      records.forEach(appender::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file.location(), e);
    }
    DataFiles.Builder data = DataFiles.builder(table.spec()).withPath(file.location()).withFormat(FileFormat.PARQUET)
        .withFileSizeInBytes(appender.length()).withMetrics(appender.metrics());
    if (table.spec().isPartitioned()) {
      PartitionKey key = new PartitionKey(table.spec(), table.schema());
      key.partition(new InternalRecordWrapper(table.schema().asStruct()).wrap(records.get(0)));
      data.withPartition(key);
    }
    return data.build();
  }
}
