package dev.aifactory.cost.source;

import dev.aifactory.cost.Price;
import dev.aifactory.cost.prices.PriceBook;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Price changes from the prices topic (Avro {@code Price}); one that does not decode is logged, counted and skipped. */
public final class PriceTopicDeserializer implements KafkaRecordDeserializationSchema<PriceBook.Entry> {

  private static final Logger LOG = LoggerFactory.getLogger(PriceTopicDeserializer.class);
  private transient Counter undecodable;

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    undecodable = context.getMetricGroup().counter("undecodablePrices");
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<PriceBook.Entry> out) {
    try {
      out.collect(entry(Price.fromByteBuffer(ByteBuffer.wrap(record.value()))));
    } catch (Exception e) {
      undecodable.inc();
      LOG.error("skipped price message at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
    }
  }

  public static PriceBook.Entry entry(Price p) {
    double contracted = p.getContractedPrice() == null ? p.getListPrice() : p.getContractedPrice();
    return new PriceBook.Entry(p.getItem().name(), p.getAcceleratorType(), p.getListPrice(), contracted, p.getCurrency(),
        p.getEffectiveFrom().toEpochMilli());
  }

  @Override
  public TypeInformation<PriceBook.Entry> getProducedType() {
    return TypeInformation.of(PriceBook.Entry.class);
  }
}
