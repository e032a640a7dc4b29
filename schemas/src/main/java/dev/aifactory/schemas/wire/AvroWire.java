package dev.aifactory.schemas.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.message.BinaryMessageEncoder;

/** The producer side of the wire formats the decoders read (generator, sinks, tests). */
public final class AvroWire {

  /**
   * One encoder per schema: building one computes the schema's fingerprint from its canonical
   * form, which costs more than encoding a record. Encoders are thread-safe; the map is bounded
   * by the schemas a process writes.
   */
  private static final Map<Schema, BinaryMessageEncoder<GenericRecord>> ENCODERS = new ConcurrentHashMap<>();

  private AvroWire() {}

  private static final Map<Schema, BinaryMessageEncoder<SpecificRecordBase>> SPECIFIC_ENCODERS = new ConcurrentHashMap<>();

  /** Avro single-object encoding, written by Avro's own {@link BinaryMessageEncoder}. */
  public static byte[] singleObject(GenericRecord record) {
    try {
      return bytes(ENCODERS.computeIfAbsent(record.getSchema(), s -> new BinaryMessageEncoder<>(GenericData.get(), s))
          .encode(record));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Single-object encoding of a generated record, with its class's logical-type conversions
   * (a timestamp field is an {@code Instant} there, which generic encoding cannot write).
   */
  public static byte[] singleObject(SpecificRecordBase record) {
    try {
      return bytes(SPECIFIC_ENCODERS.computeIfAbsent(record.getSchema(),
          s -> new BinaryMessageEncoder<>(record.getSpecificData(), s)).encode(record));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    return Arrays.copyOfRange(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.arrayOffset() + buffer.limit());
  }

  /** Registry framing: magic byte 0, 4-byte big-endian schema id, body. */
  public static byte[] registryFramed(int schemaId, GenericRecord record) {
    byte[] body = body(record);
    byte[] out = new byte[5 + body.length];
    out[0] = 0;
    out[1] = (byte) (schemaId >>> 24);
    out[2] = (byte) (schemaId >>> 16);
    out[3] = (byte) (schemaId >>> 8);
    out[4] = (byte) schemaId;
    System.arraycopy(body, 0, out, 5, body.length);
    return out;
  }

  /** The bare Avro binary body. */
  public static byte[] body(GenericRecord record) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(128);
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
