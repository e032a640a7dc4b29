package dev.aifactory.training;

import dev.aifactory.common.IcebergAppends;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.features.FeaturesJobMain;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.training.TrainingSetJob;
import dev.aifactory.features.training.TrainingSetRequest;
import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.wire.PayloadDecoder;
import dev.aifactory.schemas.wire.SingleObjectFormat;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * A real point-in-time training set, built the way production builds one: generated payments
 * and labels as silver Iceberg tables, the features job's backfill (BATCH) into the history
 * table, then the training-set job's as-of join. Tests of training and scoring share it.
 */
public final class FraudTrainingSet {

  public static final Schema TRANSACTIONS = new Schema(
      Types.NestedField.required(1, "event_id", Types.StringType.get()),
      Types.NestedField.required(2, "card_id", Types.StringType.get()),
      Types.NestedField.optional(3, "merchant_id", Types.StringType.get()),
      Types.NestedField.required(4, "amount", Types.DoubleType.get()),
      Types.NestedField.optional(5, "geo_country", Types.StringType.get()),
      Types.NestedField.required(6, "event_time", Types.TimestampType.withZone()),
      Types.NestedField.optional(7, "channel", Types.StringType.get()),
      Types.NestedField.required(8, "_ingest_time", Types.TimestampType.withZone()));

  static final Schema LABELS = new Schema(
      Types.NestedField.required(1, "event_id", Types.StringType.get()),
      Types.NestedField.required(2, "transaction_id", Types.StringType.get()),
      Types.NestedField.required(3, "is_fraud", Types.BooleanType.get()));

  private FraudTrainingSet() {}

  /** Generator settings with enough fraud to learn from, and no transport noise (silver has none). */
  public static GeneratorSettings settings(long seed) {
    return new GeneratorSettings(seed, GeneratorSettings.defaults().startMillis(), 3_000, 300, 120, 0.25,
        0, 0, 0, 0, 0, 0.05);
  }

  /** v3 transactions of the generator, as the contract (what silver holds), and their labels. */
  public record Generated(List<GenericRecord> transactions, List<GenericRecord> labels) {
    public long firstTime() {
      return (Long) transactions.get(0).get("event_time");
    }

    public long lastTime() {
      return transactions.stream().mapToLong(t -> (Long) t.get("event_time")).max().orElseThrow();
    }
  }

  public static Generated generate(GeneratorSettings settings, int transactions) {
    PaymentsGenerator generator = new PaymentsGenerator(settings, "payments.transactions", "payments.labels");
    SchemaCatalog catalog = SchemaCatalog.bundled();
    PayloadDecoder txDecoder = new PayloadDecoder(new SingleObjectFormat(catalog), catalog.contract(PaymentsGenerator.TRANSACTION).schema());
    PayloadDecoder labelDecoder = new PayloadDecoder(new SingleObjectFormat(catalog), catalog.contract(PaymentsGenerator.LABEL).schema());
    List<GenericRecord> tx = new ArrayList<>();
    List<GenericRecord> labels = new ArrayList<>();
    try {
      while (tx.size() < transactions) {
        GeneratedMessage m = generator.next();
        if (m.kind() == GeneratedMessage.Kind.TRANSACTION) {
          tx.add(txDecoder.decodeAsContract(m.value()).record());
        } else if (m.kind() == GeneratedMessage.Kind.LABEL) {
          labels.add(labelDecoder.decodeAsContract(m.value()).record());
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("the generator's own messages must decode", e);
    }
    return new Generated(tx, labels);
  }

  /** Writes silver, backfills the view's history, and builds {@code gold.training_<name>} over {@code [from, to)}. */
  public static TableIdentifier build(JobConfig config, Catalog catalog, FeatureView view, Generated data, String name,
      Instant from, Instant to) throws Exception {
    writeSilver(catalog, data);
    JobConfig backfill = config.with("features.mode", "backfill").with("features.view", view.name())
        .with("features.backfill.from", Instant.ofEpochMilli(data.firstTime()).toString())
        .with("features.backfill.to", Instant.ofEpochMilli(data.lastTime() + 1).toString());
    StreamExecutionEnvironment env = FeaturesJobMain.environment(backfill);
    FeaturesJobMain.define(env, backfill, view);
    env.execute("backfill " + view.id());
    return TrainingSetJob.run(config, new TrainingSetRequest(view, name, from, to, false));
  }

  public static void writeSilver(Catalog catalog, Generated data) {
    if (catalog instanceof SupportsNamespaces ns && !ns.namespaceExists(Namespace.of("silver"))) {
      ns.createNamespace(Namespace.of("silver"));
    }
    Table tx = catalog.createTable(TableIdentifier.of("silver", "transactions"), TRANSACTIONS);
    List<Record> rows = new ArrayList<>();
    for (GenericRecord e : data.transactions()) {
      Record r = org.apache.iceberg.data.GenericRecord.create(TRANSACTIONS);
      for (String f : List.of("event_id", "card_id", "merchant_id", "geo_country", "channel")) {
        r.setField(f, e.get(f) == null ? null : e.get(f).toString());
      }
      r.setField("amount", e.get("amount"));
      OffsetDateTime time = at((Long) e.get("event_time"));
      r.setField("event_time", time);
      r.setField("_ingest_time", time.plusSeconds(1));
      rows.add(r);
    }
    IcebergAppends.append(tx, rows);
    Table labels = catalog.createTable(TableIdentifier.of("silver", "labels"), LABELS);
    List<Record> labelRows = new ArrayList<>();
    for (GenericRecord l : data.labels()) {
      Record r = org.apache.iceberg.data.GenericRecord.create(LABELS);
      r.setField("event_id", l.get("event_id").toString());
      r.setField("transaction_id", l.get("transaction_id").toString());
      r.setField("is_fraud", l.get("is_fraud"));
      labelRows.add(r);
    }
    IcebergAppends.append(labels, labelRows);
  }

  static OffsetDateTime at(long millis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }
}
