package dev.aifactory.ingest.sink;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.common.deadletter.DeadLetterTable;
import org.apache.flink.util.Collector;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecord;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecordGenerator;

/** Rows of {@code ingest.quarantine}, in the dead-letter layout: the reason, the bounded original bytes and where they came from. */
public final class QuarantineRows implements DynamicRecordGenerator<DeadLetter> {

  @Override
  public void generate(DeadLetter q, Collector<DynamicRecord> out) throws InterruptedException {
    EvolvingCollector.collect(out, new DynamicRecord(IngestTables.QUARANTINE, "main", DeadLetterTable.SCHEMA,
        DeadLetterTable.row(q), DeadLetterTable.SPEC));
  }
}
