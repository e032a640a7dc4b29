package dev.aifactory.ingest.sink;

import dev.aifactory.ingest.IngestSettings;
import dev.aifactory.ingest.decode.DomainDecoders;
import dev.aifactory.ingest.model.Accepted;
import org.apache.avro.generic.GenericRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.util.Collector;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecord;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecordGenerator;

/**
 * Bronze rows: each record decoded with its own writer schema, so the table holds every field
 * every producer wrote, in the producer's types. A writer with a new field or a wider type hands
 * the dynamic sink a wider schema, and the sink evolves {@code bronze.<domain>} while running.
 */
public final class BronzeRows implements DynamicRecordGenerator<Accepted> {

  private final IngestSettings settings;
  private transient DomainDecoders decoders;
  private transient Map<Long, RecordTables> tablesByWriter;
  private transient Map<String, TableIdentifier> tableIds;

  public BronzeRows(IngestSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext openContext) {
    decoders = new DomainDecoders(settings);
    tablesByWriter = new HashMap<>();
    tableIds = new HashMap<>();
  }

  @Override
  public void generate(Accepted record, Collector<DynamicRecord> out) throws Exception {
    GenericRecord written = record.asWritten != null
        ? record.asWritten
        : decoders.forName(record.domain).decoder().decodeAsWritten(record.payload).record();
    RecordTables tables = tablesByWriter.computeIfAbsent(record.schemaFingerprint, fp -> RecordTables.bronze(written.getSchema()));
    TableIdentifier id = tableIds.computeIfAbsent(record.domain, IngestTables::bronze);
    EvolvingCollector.collect(out, new DynamicRecord(id, "main", tables.schema, tables.row(record, written), tables.spec));
  }
}
