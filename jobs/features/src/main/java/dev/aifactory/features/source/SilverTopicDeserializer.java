package dev.aifactory.features.source;

import dev.aifactory.common.kafka.ArrivalTime;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.DroppedEvent;
import dev.aifactory.features.model.FeatureInput;
import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.wire.PayloadDecoder;
import dev.aifactory.schemas.wire.SingleObjectFormat;
import dev.aifactory.schemas.wire.UndecodableException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the ingest job's silver topic (the contract in single-object encoding) into a view's
 * inputs. Events the view does not take are counted and skipped; a record that does not decode
 * (it should not happen: the ingest job wrote it) comes out as an {@code UNREADABLE} drop.
 */
public final class SilverTopicDeserializer implements KafkaRecordDeserializationSchema<SourceRecord> {

  private final FeatureView view;
  private transient PayloadDecoder decoder;
  private transient FeatureInputs inputs;
  private transient Counter notForThisView;

  public SilverTopicDeserializer(FeatureView view) {
    this.view = view;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    SchemaCatalog catalog = SchemaCatalog.bundled();
    decoder = new PayloadDecoder(new SingleObjectFormat(catalog), catalog.contract(view.contract()).schema());
    inputs = new FeatureInputs(view);
    notForThisView = context.getMetricGroup().addGroup("features").counter("skippedNotForView");
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SourceRecord> out) {
    FeatureInput input;
    try {
      input = inputs.fromAvro(decoder.decodeAsContract(record.value() == null ? new byte[0] : record.value()).record());
    } catch (UndecodableException | RuntimeException e) {
      out.collect(SourceRecord.unreadable(DroppedEvent.unreadable(record, e.getMessage())));
      return;
    }
    if (input == null) {
      notForThisView.inc();
      return;
    }
    // Silver is validated by the ingest job, but the topic is open to any producer: a record that
    // would break keyed state, timers or the online topic is dropped with a reason, not served.
    String invalid = invalid(input);
    if (invalid != null) {
      out.collect(SourceRecord.unreadable(DroppedEvent.invalid(invalid, record, input.entity, input.eventId, input.eventTime)));
      return;
    }
    long arrival = ArrivalTime.of(record.headers());
    if (ArrivalTime.arrivedLate(input.eventTime, arrival, view.allowedLatenessMillis())) {
      // Decided by when it arrived, not by this reader's watermark: every run over the topic,
      // and every reader of the silver table (its _kafka_timestamp), refuses the same events.
      out.collect(SourceRecord.unreadable(DroppedEvent.arrivedLate(input.entity, input.eventId, input.eventTime, arrival,
              view.allowedLatenessMillis())
          .withSource(record.topic(), record.partition(), record.offset(), record.timestamp())));
      return;
    }
    out.collect(SourceRecord.of(input));
  }

  static String invalid(FeatureInput input) {
    if (input.entity.isEmpty() || input.entity.length() > DroppedEvent.MAX_ENTITY_KEY_CHARS) {
      return DroppedEvent.INVALID_ENTITY_KEY;
    }
    if (input.eventTime < DroppedEvent.MIN_EVENT_TIME || input.eventTime > System.currentTimeMillis() + 86_400_000L) {
      return DroppedEvent.EVENT_TIME_OUT_OF_RANGE;
    }
    return null;
  }

  @Override
  public TypeInformation<SourceRecord> getProducedType() {
    return TypeInformation.of(SourceRecord.class);
  }
}
