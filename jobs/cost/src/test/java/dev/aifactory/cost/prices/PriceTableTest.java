package dev.aifactory.cost.prices;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {

  @Test
  void pricesFromAnIcebergTableApplyFromTheirEffectiveTimeOnTopOfTheConfiguredOnes(@TempDir Path tmp) {
    Table table = PriceTable.ensureExists(IcebergCatalogs.local(tmp).loadCatalog(), TableIdentifier.of("ref", "prices"));
    long june = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();
    IcebergAppends.append(table, List.of(
        row(table, "GPU_HOUR", "H200", 5.0, 4.0, june),
        row(table, "KWH", null, 0.30, null, june)));
    PriceBook configured = PriceBook.from(JobConfig.of(Map.of("cost.price.gpu-hour.H200", "3.80", "cost.price.kwh", "0.15")));
    PriceBook book = configured.with(PriceTable.read(table));

    assertThat(book.at(PriceBook.GPU_HOUR, "H200", june - 1).list()).as("before the table's price").isEqualTo(3.80);
    PriceBook.Quote h200 = book.at(PriceBook.GPU_HOUR, "H200", june);
    assertThat(h200.list()).isEqualTo(5.0);
    assertThat(h200.contracted()).isEqualTo(4.0);
    assertThat(book.at(PriceBook.KWH, null, june + 1).contracted()).as("no contracted price: the list price").isEqualTo(0.30);
    assertThat(book.at(PriceBook.GPU_HOUR, "A100", june).list()).as("an unknown accelerator costs nothing, visibly").isZero();
  }

  static Record row(Table table, String item, String accelerator, double list, Double contracted, long from) {
    GenericRecord r = GenericRecord.create(table.schema());
    r.setField("item", item);
    r.setField("accelerator_type", accelerator);
    r.setField("list_price", list);
    r.setField("contracted_price", contracted);
    r.setField("currency", "USD");
    r.setField("effective_from", OffsetDateTime.ofInstant(Instant.ofEpochMilli(from), ZoneOffset.UTC));
    return r;
  }
}
