package dev.aifactory.ingest.sink;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.common.kafka.KafkaSinks;

import dev.aifactory.ingest.IngestSettings;
import dev.aifactory.ingest.model.Accepted;
import dev.aifactory.ingest.model.DqWindow;
import dev.aifactory.ingest.model.IngestMetering;
import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.telemetry.Usage;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.sink.dynamic.DynamicIcebergSink;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecordGenerator;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The production sinks: Iceberg through the dynamic sink (tables created and evolved as schemas
 * arrive; data committed on each checkpoint, exactly once) and Kafka for the silver and
 * quarantine topics. {@code kafka} null leaves the Kafka topics out.
 */
public final class IcebergKafkaSinks implements IngestSinks {

  private final IngestSettings settings;
  private final CatalogLoader catalog;
  private final KafkaSinks.Target kafka;

  public IcebergKafkaSinks(IngestSettings settings, CatalogLoader catalog, KafkaSinks.Target kafka) {
    this.settings = settings;
    this.catalog = catalog;
    this.kafka = kafka;
  }

  @Override
  public void bronze(DataStream<Accepted> records) {
    iceberg(records, new BronzeRows(settings), "bronze");
  }

  @Override
  public void silver(DataStream<Accepted> records) {
    iceberg(records, new SilverRows(settings), "silver");
    if (kafka != null) {
      records.sinkTo(kafka(new SilverTopicSerializer(settings), "silver")).uid("silver-topic").name("silver topics");
    }
  }

  @Override
  public void quarantine(DataStream<DeadLetter> records) {
    iceberg(records, new QuarantineRows(), "quarantine");
    if (kafka != null) {
      records.sinkTo(kafka(new QuarantineTopicSerializer(settings.quarantineTopic()), "quarantine"))
          .uid("quarantine-topic").name("quarantine topic");
    }
  }

  @Override
  public void dq(DataStream<DqWindow> windows) {
    iceberg(windows, new DqRows(), "dq");
  }

  /** On the usage topic, when one is configured (and Kafka outputs are on): Avro {@code Usage}, workload class ingestion. */
  @Override
  public void metering(DataStream<IngestMetering> windows) {
    if (kafka == null || settings.usageTopic().isBlank()) {
      return;
    }
    String topic = settings.usageTopic();
    String team = settings.team();
    KafkaRecordSerializationSchema<IngestMetering> serializer = (m, context, timestamp) -> {
      Usage usage = Usage.newBuilder()
          .setEventId("factory-ingest/" + m.domain + "/" + m.windowStart + "/" + m.total)
          .setEventTime(java.time.Instant.ofEpochMilli(m.windowEnd - 1))
          .setResourceId("factory-ingest/" + m.domain)
          .setResourceType("job")
          .setRecordsIngested(m.records)
          .setTeam(team)
          .setWorkloadClass("ingestion")
          .setJob("factory-ingest")
          .build();
      return new ProducerRecord<>(topic, null, m.windowEnd - 1, usage.getEventId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
          AvroWire.singleObject(usage));
    };
    windows.sinkTo(kafka(serializer, "metering")).uid("usage-topic").name("usage topic " + topic);
  }

  private <T> void iceberg(DataStream<T> input, DynamicRecordGenerator<T> generator, String name) {
    DynamicIcebergSink.forInput(input)
        .generator(generator)
        .catalogLoader(catalog)
        .uidPrefix("iceberg-" + name)
        // Records keep the forward path (no shuffle before the writers), where each writer
        // subtask evolves the table itself; EvolvingCollector retries the one that loses a race.
        .immediateTableUpdate(true)
        .append()
        .name("iceberg " + name);
  }

  private <T> KafkaSink<T> kafka(KafkaRecordSerializationSchema<T> serializer, String name) {
    return KafkaSinks.sink(kafka, name, serializer);
  }
}
