package dev.aifactory.features.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.generator.GeneratedMessage;
import dev.aifactory.common.generator.GeneratorSettings;
import dev.aifactory.common.generator.PaymentsGenerator;
import dev.aifactory.common.kafka.ArrivalTime;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.model.DroppedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * Whether a silver event counts is decided by when it arrived (the raw record's timestamp, in
 * the header ingest writes), not by the reader's watermark: one record is read the same way by
 * every run, whatever came before it.
 */
class SilverTopicDeserializerTest {

  private static final FeatureView VIEW = FeatureViews.load("card_activity");
  private static final long T = 1_796_000_000_000L;

  @Test
  void anEventThatArrivedMoreThanTheAllowedLatenessAfterItHappenedIsRefusedWithItsCoordinates() throws Exception {
    long lateness = VIEW.allowedLatenessMillis();
    assertThat(lateness).isPositive();

    SourceRecord onTime = read(T, T + lateness);
    assertThat(onTime.input).as("exactly the allowed lateness still counts").isNotNull();
    assertThat(onTime.input.eventTime).isEqualTo(T);

    SourceRecord late = read(T, T + lateness + 1);
    assertThat(late.input).isNull();
    assertThat(late.unreadable.reason).isEqualTo(DroppedEvent.LATE);
    assertThat(late.unreadable.detail).contains("arrived " + (lateness + 1) + " ms after it happened");
    assertThat(late.unreadable.eventTime).isEqualTo(T);
    assertThat(late.unreadable.topic).isEqualTo("silver.transactions");
    assertThat(late.unreadable.offset).isEqualTo(41L);
  }

  @Test
  void aRecordWithoutAnArrivalTimeIsNotJudgedByIt() throws Exception {
    assertThat(read(T, Long.MIN_VALUE).input).as("an older ingest wrote no header").isNotNull();
  }

  private static SourceRecord read(long eventTime, long arrival) throws Exception {
    GeneratedMessage m = new PaymentsGenerator(GeneratorSettings.defaults(), "raw.transactions", null).transactionAt(3, eventTime);
    RecordHeaders headers = new RecordHeaders();
    if (arrival != Long.MIN_VALUE) {
      headers.add(ArrivalTime.HEADER, ArrivalTime.encode(arrival));
    }
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("silver.transactions", 1, 41L, eventTime,
        TimestampType.CREATE_TIME, m.key().length, m.value().length, m.key(), m.value(), headers, Optional.empty());
    SilverTopicDeserializer deserializer = new SilverTopicDeserializer(VIEW);
    deserializer.open(new DeserializationSchema.InitializationContext() {
      @Override
      public MetricGroup getMetricGroup() {
        return new UnregisteredMetricsGroup();
      }

      @Override
      public UserCodeClassLoader getUserCodeClassLoader() {
        return SimpleUserCodeClassLoader.create(SilverTopicDeserializerTest.class.getClassLoader());
      }
    });
    List<SourceRecord> out = new ArrayList<>();
    deserializer.deserialize(record, new Collector<>() {
      @Override
      public void collect(SourceRecord r) {
        out.add(r);
      }

      @Override
      public void close() {}
    });
    assertThat(out).hasSize(1);
    return out.get(0);
  }
}
