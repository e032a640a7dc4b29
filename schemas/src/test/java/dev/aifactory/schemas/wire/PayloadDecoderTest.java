package dev.aifactory.schemas.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aifactory.schemas.SchemaCatalog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class PayloadDecoderTest {

  private static final SchemaCatalog CATALOG = SchemaCatalog.bundled();
  private static final String TX = "dev.aifactory.payments.Transaction";
  private static final Schema V1 = CATALOG.versions(TX).get(0).schema();
  private static final Schema V3 = CATALOG.contract(TX).schema();

  private final PayloadDecoder decoder =
      new PayloadDecoder(new DetectingWireFormat(new SingleObjectFormat(CATALOG), null), V3);

  static GenericRecord v1Record() {
    GenericRecord r = new GenericData.Record(V1);
    r.put("event_id", "evt-00000001");
    r.put("card_id", "card-1");
    r.put("merchant_id", "m-1");
    r.put("amount", 12.5f);
    r.put("currency", "EUR");
    r.put("event_time", 1_700_000_000_000L);
    r.put("channel", "pos");
    return r;
  }

  static byte[] singleObject(GenericRecord record) throws IOException {
    // Avro's own encoder writes the header: the decoder must agree with the library, not with us.
    ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), record.getSchema()).encode(record);
    return Arrays.copyOfRange(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.arrayOffset() + buffer.limit());
  }

  static byte[] body(GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, enc);
    enc.flush();
    return out.toByteArray();
  }

  @Test
  void decodesAnOldWriterAsWrittenAndAsContract() throws Exception {
    byte[] message = singleObject(v1Record());

    PayloadDecoder.Decoded asWritten = decoder.decodeAsWritten(message);
    assertThat(asWritten.writer().version()).isEqualTo(1);
    assertThat(asWritten.record().getSchema().getField("device_id")).isNull();
    assertThat(asWritten.record().get("amount")).isEqualTo(12.5f);

    PayloadDecoder.Decoded asContract = decoder.decodeAsContract(message);
    assertThat(asContract.record().get("amount")).isEqualTo(12.5d); // float promoted to double
    assertThat(asContract.record().get("device_id")).isNull();       // default filled in
    assertThat(asContract.record().get("event_id").toString()).isEqualTo("evt-00000001");
  }

  @Test
  void plainBodiesDecodeWithTheConfiguredWriter() throws Exception {
    PayloadDecoder plain = new PayloadDecoder(new PlainAvroFormat(V1), V3);
    assertThat(plain.decodeAsContract(body(v1Record())).record().get("currency").toString()).isEqualTo("EUR");
  }

  @Test
  void reasonsForUndecodableMessages() throws Exception {
    byte[] good = singleObject(v1Record());

    assertReason(new byte[0], UndecodableReason.EMPTY_PAYLOAD);
    assertReason(new byte[] {(byte) 0xC3, 0x01, 1}, UndecodableReason.TRUNCATED_HEADER);
    assertReason("{\"json\":true}".getBytes(), UndecodableReason.UNKNOWN_WIRE_FORMAT);
    assertReason(new byte[] {0, 0, 0, 0, 7, 2, 3}, UndecodableReason.UNKNOWN_WIRE_FORMAT); // no registry configured

    byte[] wrongFingerprint = good.clone();
    wrongFingerprint[5] ^= 0x5A;
    assertReason(wrongFingerprint, UndecodableReason.UNKNOWN_SCHEMA);

    assertReason(Arrays.copyOf(good, good.length - 6), UndecodableReason.CORRUPT_PAYLOAD);
    byte[] trailing = Arrays.copyOf(good, good.length + 3);
    assertReason(trailing, UndecodableReason.CORRUPT_PAYLOAD);

    byte[] hugeLength = good.clone();
    hugeLength[10] = (byte) 0xFF; // the event_id length varint becomes absurd
    hugeLength[11] = (byte) 0xFF;
    assertReason(hugeLength, UndecodableReason.CORRUPT_PAYLOAD);
  }

  @Test
  void incompatibleAndMissingFieldWritersAreNamed() {
    Schema amountAsString = new Schema.Parser().parse(V1.toString().replace("\"type\":\"float\"", "\"type\":\"string\""));
    PayloadDecoder plainString = new PayloadDecoder(new PlainAvroFormat(amountAsString), V3);
    assertThatThrownBy(() -> plainString.decodeAsWritten(new byte[] {2, 65}))
        .isInstanceOfSatisfying(UndecodableException.class,
            e -> assertThat(e.reason()).isEqualTo(UndecodableReason.INCOMPATIBLE_SCHEMA));

    Schema withoutEventId = new Schema.Parser().parse(V1.toString()
        .replace("{\"name\":\"event_id\",\"type\":\"string\",\"doc\":\"Globally unique id of the payment event; the deduplication key.\"},", ""));
    assertThat(withoutEventId.getField("event_id")).isNull();
    PayloadDecoder plainMissing = new PayloadDecoder(new PlainAvroFormat(withoutEventId), V3);
    assertThatThrownBy(() -> plainMissing.decodeAsWritten(new byte[] {2, 65}))
        .isInstanceOfSatisfying(UndecodableException.class,
            e -> assertThat(e.reason()).isEqualTo(UndecodableReason.MISSING_REQUIRED_FIELD));
  }

  private void assertReason(byte[] message, UndecodableReason expected) {
    assertThatThrownBy(() -> decoder.decodeAsWritten(message))
        .isInstanceOfSatisfying(UndecodableException.class, e -> assertThat(e.reason()).isEqualTo(expected));
  }
}
