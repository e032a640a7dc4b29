package dev.aifactory.ingest.sink;

import dev.aifactory.ingest.IngestSettings;
import dev.aifactory.ingest.decode.DomainDecoders;
import dev.aifactory.ingest.model.Accepted;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.util.Collector;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecord;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecordGenerator;

/**
 * Silver rows: each record resolved to its domain's contract (defaults filled, types promoted)
 * with its classified fields protected ({@link DomainDecoders#silverRecord}), partitioned by event day. When the contract gains a version, the new jar's wider schema
 * evolves {@code silver.<domain>} on its first record.
 */
public final class SilverRows implements DynamicRecordGenerator<Accepted> {

  private final IngestSettings settings;
  private transient DomainDecoders decoders;
  private transient Map<String, RecordTables> tablesByDomain;
  private transient Map<String, TableIdentifier> tableIds;

  public SilverRows(IngestSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext openContext) {
    decoders = new DomainDecoders(settings);
    tablesByDomain = new HashMap<>();
    tableIds = new HashMap<>();
  }

  @Override
  public void generate(Accepted record, Collector<DynamicRecord> out) throws Exception {
    DomainDecoders.Domain domain = decoders.forName(record.domain);
    RecordTables tables = tablesByDomain.computeIfAbsent(record.domain,
        d -> RecordTables.silver(domain.decoder().contract(), domain.spec().eventTimeField()));
    var silver = decoders.silverRecord(record.domain, record.payload);
    EvolvingCollector.collect(out, new DynamicRecord(tableIds.computeIfAbsent(record.domain, IngestTables::silver), "main", tables.schema, tables.row(record, silver), tables.spec));
  }
}
