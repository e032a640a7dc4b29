package dev.aifactory.cost.source;

import dev.aifactory.cost.model.Rejected;
import dev.aifactory.cost.model.UsageRecord;
import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.wire.PayloadDecoder;
import dev.aifactory.schemas.wire.SingleObjectFormat;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The usage topic: Avro {@code Usage} in single-object encoding, any known version; what does not decode is rejected, with the reason. */
public final class UsageTopicDeserializer implements KafkaRecordDeserializationSchema<UsageRecord> {

  public static final String USAGE = "dev.aifactory.telemetry.Usage";
  private transient PayloadDecoder decoder;

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    SchemaCatalog catalog = SchemaCatalog.bundled();
    decoder = new PayloadDecoder(new SingleObjectFormat(catalog), catalog.contract(USAGE).schema());
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<UsageRecord> out) {
    try {
      out.collect(UsageReader.read(decoder.decodeAsContract(record.value()).record()));
    } catch (Exception e) {
      out.collect(UsageRecord.of(Rejected.undecodable(record, e.getClass().getSimpleName() + ": " + e.getMessage())));
    }
  }

  @Override
  public TypeInformation<UsageRecord> getProducedType() {
    return TypeInformation.of(UsageRecord.class);
  }
}
