package dev.aifactory.models.control;

import dev.aifactory.models.ModelSignature;
import dev.aifactory.schemas.SchemaCatalog;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.schemas.wire.AvroWire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Registry changes on the control topic ({@code models.control} by default): Avro
 * {@link ModelChange} in single-object encoding, keyed by model name, so one partition orders
 * every change of a model.
 */
public final class ModelChanges {

  public static final String DEFAULT_TOPIC = "models.control";

  private ModelChanges() {}

  /** Reads every version of the control message the catalog knows, as the newest. */
  private static final BinaryMessageDecoder<ModelChange> DECODER = decoder();

  private static BinaryMessageDecoder<ModelChange> decoder() {
    BinaryMessageDecoder<ModelChange> decoder = new BinaryMessageDecoder<>(SpecificData.get(), ModelChange.getClassSchema());
    SchemaCatalog.bundled().versions(ModelChange.getClassSchema().getFullName()).forEach(v -> decoder.addSchema(v.schema()));
    return decoder;
  }

  public static ModelChange toAvro(ModelVersion v, Instant changedAt) {
    ModelSignature s = v.signature();
    return ModelChange.newBuilder()
        .setModelName(v.name())
        .setModelVersion(v.version())
        .setStage(Stage.valueOf(v.stage().name()))
        .setUri(v.uri())
        .setSha256(v.sha256())
        .setFeatureView(s.featureView())
        .setFeatureViewVersion(s.featureViewVersion())
        .setFeatureViewSha256(s.featureViewSha256())
        .setFeatureOrder(List.copyOf(s.featureOrder()))
        .setInputName(s.inputName())
        .setOutputName(s.outputName())
        .setChangedAt(changedAt)
        .build();
  }

  /** The version a change describes; a version 1 message has an empty view hash, which scoring refuses. */
  public static ModelVersion fromAvro(ModelChange c) {
    ModelSignature signature = new ModelSignature(c.getFeatureView(), c.getFeatureViewVersion(), c.getFeatureViewSha256(),
        c.getFeatureOrder(), c.getInputName(), c.getOutputName());
    return new ModelVersion(c.getModelName(), c.getModelVersion(), ModelStage.valueOf(c.getStage().name()),
        c.getUri(), c.getSha256(), signature);
  }

  public static byte[] encode(ModelVersion v, Instant changedAt) {
    return AvroWire.singleObject(toAvro(v, changedAt));
  }

  public static ModelVersion decode(byte[] bytes) throws IOException {
    return fromAvro(DECODER.decode(ByteBuffer.wrap(bytes)));
  }

  /** Publishes changes in order and waits until the broker has them. */
  public static void publish(String bootstrapServers, String topic, List<ModelVersion> changes) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      Instant now = Instant.now();
      for (ModelVersion change : changes) {
        producer.send(new ProducerRecord<>(topic, change.name().getBytes(java.nio.charset.StandardCharsets.UTF_8),
            encode(change, now)));
      }
      producer.flush();
    }
  }
}
