package dev.aifactory.cost.sink;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.common.deadletter.DeadLetterTable;
import dev.aifactory.common.kafka.KafkaSinks;

import dev.aifactory.cost.AlertState;
import dev.aifactory.cost.CostAlert;
import dev.aifactory.cost.CostRule;
import dev.aifactory.cost.alerts.AlertEvent;
import dev.aifactory.cost.economics.UnitEconomicsRow;
import dev.aifactory.cost.focus.FocusRow;
import dev.aifactory.cost.model.ResourceWindow;
import dev.aifactory.schemas.wire.AvroWire;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.IcebergSink;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Production sinks: the four gold tables in Iceberg (exactly once, on checkpoints) and alerts on Kafka. */
public final class IcebergKafkaCostSinks implements CostSinks {

  private final CatalogLoader catalog;
  private final String bootstrap;
  private final String alertsTopic;
  private final Properties producer;

  public IcebergKafkaCostSinks(CatalogLoader catalog, String bootstrap, String alertsTopic, Properties producer) {
    this.catalog = catalog;
    this.bootstrap = bootstrap;
    this.alertsTopic = alertsTopic;
    this.producer = producer;
    CostTables.ensureExist(catalog.loadCatalog());
  }

  @Override
  public void focus(DataStream<FocusRow> rows) {
    iceberg(rows, FocusRow.class, CostTables.FOCUS, CostTables.FOCUS_SCHEMA, "focus");
  }

  @Override
  public void utilization(DataStream<ResourceWindow> windows) {
    iceberg(windows, ResourceWindow.class, CostTables.UTILIZATION, CostTables.UTILIZATION_SCHEMA, "utilization");
  }

  @Override
  public void unitEconomics(DataStream<UnitEconomicsRow> rows) {
    iceberg(rows, UnitEconomicsRow.class, CostTables.UNIT_ECONOMICS, CostTables.UNIT_ECONOMICS_SCHEMA, "unit-economics");
  }

  @Override
  public void rejected(DataStream<DeadLetter> rejected) {
    DataStream<RowData> rows = rejected.map(DeadLetterTable::row)
        .returns(InternalTypeInfo.of(FlinkSchemaUtil.convert(DeadLetterTable.SCHEMA)))
        .uid("iceberg-rows-rejected").name("rejected rows");
    IcebergSink.forRowData(rows).tableLoader(TableLoader.fromCatalog(catalog, CostTables.REJECTED)).uidSuffix("gold-rejected").append();
  }

  @Override
  public void alerts(DataStream<AlertEvent> alerts) {
    String topic = alertsTopic;
    KafkaRecordSerializationSchema<AlertEvent> serializer = (a, context, timestamp) ->
        new ProducerRecord<>(topic, null, a.windowEnd, a.alertId.getBytes(StandardCharsets.UTF_8), AvroWire.singleObject(avro(a)));
    // At least once by design: an alert carries its id, so consumers drop a redelivery.
    alerts.sinkTo(KafkaSinks.sink(new KafkaSinks.Target(bootstrap, producer, DeliveryGuarantee.AT_LEAST_ONCE,
            KafkaSinks.DEFAULT_DEPLOYMENT, "cost"), "alerts", serializer))
        .uid("alerts-topic").name("alerts topic " + alertsTopic);
  }

  public static CostAlert avro(AlertEvent a) {
    return CostAlert.newBuilder()
        .setAlertId(a.alertId)
        .setRule(CostRule.valueOf(a.rule))
        .setState(AlertState.valueOf(a.state))
        .setSubject(a.subject)
        .setValue(a.value)
        .setThreshold(a.threshold)
        .setWindowEnd(Instant.ofEpochMilli(a.windowEnd))
        .setMessage(a.message)
        .build();
  }

  private <T> void iceberg(DataStream<T> input, Class<T> type, TableIdentifier id, Schema schema, String name) {
    DataStream<RowData> rows = input.map(new PojoRows<>(schema, type))
        .returns(InternalTypeInfo.of(FlinkSchemaUtil.convert(schema)))
        .uid("iceberg-rows-" + name).name(name + " rows");
    IcebergSink.forRowData(rows).tableLoader(TableLoader.fromCatalog(catalog, id)).uidSuffix("gold-" + name).append();
  }
}
