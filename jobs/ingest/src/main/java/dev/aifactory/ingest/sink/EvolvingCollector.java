package dev.aifactory.ingest.sink;

import org.apache.flink.util.Collector;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecord;

/**
 * Hands a record to Iceberg's dynamic sink, retrying when its schema evolution lost a race.
 *
 * <p>Each writer subtask evolves a table itself when a record brings a new schema. When two
 * subtasks see new writer versions at the same moment, one schema commit fails with
 * {@link CommitFailedException}; the sink then reloads the table but rethrows if the table
 * still lacks the record's columns, which would fail the task. The record has not been emitted
 * at that point, so trying again (against the reloaded table) is safe.
 */
final class EvolvingCollector {

  private static final int ATTEMPTS = 10;

  private EvolvingCollector() {}

  static void collect(Collector<DynamicRecord> out, DynamicRecord record) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        out.collect(record);
        return;
      } catch (CommitFailedException lostRace) {
        if (attempt == ATTEMPTS) {
          throw lostRace;
        }
        Thread.sleep(20L * attempt);
      }
    }
  }
}
