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

  }

  @Test
  void writerFieldsTheContractCannotMapAreNamed() throws Exception {
    // The writer renamed geo_country, with an alias only the writer knows (Avro resolves by the
    // reader's aliases): the contract reads its default, and the decoder says which field it lost.
    Schema renamed = new Schema.Parser().parse(V3.toString().replace("{\"name\":\"geo_country\",",
        "{\"name\":\"country_code\",\"aliases\":[\"geo_country\"],"));
    GenericRecord r = new GenericData.Record(renamed);
    v1Record().getSchema().getFields().forEach(f -> r.put(f.name(), v1Record().get(f.name())));
    r.put("amount", 12.5);
    r.put("country_code", "FR");
    PayloadDecoder plain = new PayloadDecoder(new PlainAvroFormat(renamed), V3);
    PayloadDecoder.Decoded decoded = plain.decodeAsContract(body(r));
    assertThat(decoded.record().get("geo_country")).isNull();
    assertThat(decoded.unmappedFields()).containsExactly("country_code");
    assertThat(decoder.decodeAsContract(singleObject(v1Record())).unmappedFields()).isEmpty();
  }

  @Test
  void lengthBombsAreRefusedBeforeAvroAllocates() throws Exception {
    // Each message is a few bytes declaring a string, byte array or array of about 1 GB. Without
    // the limits Avro allocates the declared size first (an OutOfMemoryError in a task manager).
    Schema bytesAndArray = new Schema.Parser().parse("""
        {"type":"record","name":"Blob","fields":[{"name":"b","type":"bytes"},
         {"name":"xs","type":{"type":"array","items":"long"}}]}""");
    PayloadDecoder strings = new PayloadDecoder(new PlainAvroFormat(V1), V3, new DecodeLimits(4096));
    PayloadDecoder blobs = new PayloadDecoder(new PlainAvroFormat(bytesAndArray), bytesAndArray, new DecodeLimits(4096));
    byte[] gigabyte = varint(1L << 30);

    assertReason(strings, concat(gigabyte, new byte[] {65, 66}), UndecodableReason.LENGTH_LIMIT_EXCEEDED);
    assertReason(blobs, concat(gigabyte, new byte[] {1}), UndecodableReason.LENGTH_LIMIT_EXCEEDED);
    assertReason(blobs, concat(new byte[] {0}, gigabyte, new byte[] {2, 0}), UndecodableReason.LENGTH_LIMIT_EXCEEDED);
    assertReason(strings, new byte[4097], UndecodableReason.PAYLOAD_TOO_LARGE);
  }

  @Test
  void aRecursiveWriterNestedTooDeepIsRefusedNotFatal() {
    // The writer adds a recursive field the contract does not have. Resolving to the contract skips
    // it without recursion, but bronze reads it as written: 200,000 levels cost 200 KB of payload
    // and overflow any default thread stack.
    Schema recursive = new Schema.Parser().parse(V1.toString().replace("\"fields\":[",
        "\"fields\":[{\"name\":\"tree\",\"type\":{\"type\":\"record\",\"name\":\"Node\","
            + "\"fields\":[{\"name\":\"child\",\"type\":[\"null\",\"Node\"]}]}},"));
    PayloadDecoder deep = new PayloadDecoder(new PlainAvroFormat(recursive), V3);
    byte[] body = new byte[200_001];
    Arrays.fill(body, 0, 200_000, (byte) 2); // union branch 1 (zig-zag 2): one more Node
    assertThatThrownBy(() -> deep.decodeAsWritten(body))
        .isInstanceOfSatisfying(UndecodableException.class,
            e -> assertThat(e.reason()).isEqualTo(UndecodableReason.NESTING_TOO_DEEP));
  }

  private static byte[] varint(long n) {
    long zigzag = n << 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((zigzag & ~0x7FL) != 0) {
      out.write((int) ((zigzag & 0x7F) | 0x80));
      zigzag >>>= 7;
    }
    out.write((int) zigzag);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static void assertReason(PayloadDecoder decoder, byte[] message, UndecodableReason expected) {
    assertThatThrownBy(() -> decoder.decodeAsContract(message))
        .isInstanceOfSatisfying(UndecodableException.class, e -> assertThat(e.reason()).isEqualTo(expected));
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
