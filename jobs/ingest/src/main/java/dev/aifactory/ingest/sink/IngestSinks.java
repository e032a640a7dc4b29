package dev.aifactory.ingest.sink;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.ingest.model.Accepted;
import dev.aifactory.ingest.model.DqWindow;
import dev.aifactory.ingest.model.IngestMetering;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Where the ingest topology's four outputs go. Production writes Iceberg and Kafka
 * ({@link IcebergKafkaSinks}); tests may plug in others.
 */
public interface IngestSinks {

  /** Every decoded record, duplicates and rule violators included. */
  void bronze(DataStream<Accepted> records);

  /** Decoded, valid, first-seen records. */
  void silver(DataStream<Accepted> records);

  /** Undecodable messages and rule violators, with reasons. */
  void quarantine(DataStream<DeadLetter> records);

  /** Per-window quality counts. */
  void dq(DataStream<DqWindow> windows);

  /** Records ingested per domain and window, for the cost job. */
  void metering(DataStream<IngestMetering> windows);
}
