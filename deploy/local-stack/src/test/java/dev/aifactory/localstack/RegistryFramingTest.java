package dev.aifactory.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aifactory.schemas.SchemaCatalog;
import dev.aifactory.schemas.wire.AvroWire;
import dev.aifactory.schemas.wire.DetectingWireFormat;
import dev.aifactory.schemas.wire.PayloadDecoder;
import dev.aifactory.schemas.wire.RegistryFramedFormat;
import dev.aifactory.schemas.wire.SchemaRegistryClient;
import dev.aifactory.schemas.wire.SingleObjectFormat;
import dev.aifactory.schemas.wire.UndecodableException;
import dev.aifactory.schemas.wire.UndecodableReason;
import java.time.Duration;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The registry framing, decoded through real HTTP against the local registry. */
class RegistryFramingTest {

  private static final Schema V2 = SchemaCatalog.bundled().versions("dev.aifactory.payments.Transaction").get(1).schema();
  private static final Schema CONTRACT = SchemaCatalog.bundled().contract("dev.aifactory.payments.Transaction").schema();
  private static LocalSchemaRegistry registry;

  @BeforeAll
  static void start() {
    registry = LocalSchemaRegistry.start();
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  private PayloadDecoder decoder(String url) {
    SchemaRegistryClient client = new SchemaRegistryClient(url, Duration.ofSeconds(1), 2, 60_000);
    return new PayloadDecoder(new DetectingWireFormat(new SingleObjectFormat(SchemaCatalog.bundled()),
        new RegistryFramedFormat(client)), CONTRACT);
  }

  @Test
  void resolvesIdsOverHttpAndCachesThem() throws Exception {
    int id = registry.register(V2);
    GenericRecord record = new GenericData.Record(V2);
    record.put("event_id", "evt-registry-1");
    record.put("card_id", "c");
    record.put("amount", 3.0f);
    record.put("currency", "USD");
    record.put("event_time", 5L);
    record.put("geo_country", "FR");
    byte[] message = AvroWire.registryFramed(id, record);

    PayloadDecoder decoder = decoder(registry.url());
    int before = registry.lookups();
    for (int i = 0; i < 5; i++) {
      PayloadDecoder.Decoded decoded = decoder.decodeAsContract(message);
      assertThat(decoded.record().get("geo_country").toString()).isEqualTo("FR");
      assertThat(decoded.writer().ref()).isEqualTo("registry:" + id);
    }
    assertThat(registry.lookups() - before).isEqualTo(1);
  }

  @Test
  void unknownIdsAndUnreachableRegistriesHaveTheirOwnReasons() throws Exception {
    byte[] unknownId = {0, 0, 0, 39, 15, 2, 2};
    assertThatThrownBy(() -> decoder(registry.url()).decodeAsWritten(unknownId))
        .isInstanceOfSatisfying(UndecodableException.class, e -> assertThat(e.reason()).isEqualTo(UndecodableReason.UNKNOWN_SCHEMA));

    LocalSchemaRegistry gone = LocalSchemaRegistry.start();
    String url = gone.url();
    gone.close();
    assertThatThrownBy(() -> decoder(url).decodeAsWritten(unknownId))
        .isInstanceOfSatisfying(UndecodableException.class, e -> assertThat(e.reason()).isEqualTo(UndecodableReason.REGISTRY_UNAVAILABLE));
  }
}
