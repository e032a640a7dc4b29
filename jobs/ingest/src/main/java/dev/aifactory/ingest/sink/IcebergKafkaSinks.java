package dev.aifactory.ingest.sink;

import dev.aifactory.ingest.IngestSettings;
import dev.aifactory.ingest.model.Accepted;
import dev.aifactory.ingest.model.DqWindow;
import dev.aifactory.ingest.model.IngestMetering;
import dev.aifactory.ingest.model.Quarantined;
import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.telemetry.Usage;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
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
 * quarantine topics. {@code kafkaBootstrap} null leaves the Kafka topics out.
 */
public final class IcebergKafkaSinks implements IngestSinks {

  private final IngestSettings settings;
  private final CatalogLoader catalog;
  private final String kafkaBootstrap;
  private final DeliveryGuarantee kafkaGuarantee;
  private final Properties kafkaProducerProperties;

  public IcebergKafkaSinks(IngestSettings settings, CatalogLoader catalog, String kafkaBootstrap,
      DeliveryGuarantee kafkaGuarantee, Properties kafkaProducerProperties) {
    this.settings = settings;
    this.catalog = catalog;
    this.kafkaBootstrap = kafkaBootstrap;
    this.kafkaGuarantee = kafkaGuarantee;
    this.kafkaProducerProperties = kafkaProducerProperties;
  }

  @Override
  public void bronze(DataStream<Accepted> records) {
    iceberg(records, new BronzeRows(settings), "bronze");
  }

  @Override
  public void silver(DataStream<Accepted> records) {
    iceberg(records, new SilverRows(settings), "silver");
    if (kafkaBootstrap != null) {
      records.sinkTo(kafka(new SilverTopicSerializer(settings), "silver")).uid("silver-topic").name("silver topics");
    }
  }

  @Override
  public void quarantine(DataStream<Quarantined> records) {
    iceberg(records, new QuarantineRows(), "quarantine");
    if (kafkaBootstrap != null) {
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
    if (kafkaBootstrap == null || settings.usageTopic().isBlank()) {
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
    var builder = KafkaSink.<T>builder()
        .setBootstrapServers(kafkaBootstrap)
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(kafkaGuarantee)
        .setKafkaProducerConfig(kafkaProducerProperties);
    if (kafkaGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
      builder.setTransactionalIdPrefix("factory-ingest-" + name);
    }
    return builder.build();
  }
}
