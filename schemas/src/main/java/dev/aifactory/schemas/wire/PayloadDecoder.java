package dev.aifactory.schemas.wire;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.apache.avro.SystemLimitException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;

/**
 * The one decoder of the factory: frames a message with a {@link WireFormat}, checks that its
 * writer schema resolves to the contract by Avro's rules, and decodes the body either as written
 * (bronze keeps source fidelity) or resolved to the contract (silver is typed by the contract).
 *
 * <p>Per writer schema, the compatibility verdict and both datum readers are computed once and
 * cached, so the hot path is a map lookup and one Avro decode. Not thread-safe for decoding
 * (Avro's decoders are reused); use one instance per task.
 *
 * <p>Decoding is bounded by {@link DecodeLimits}: an oversized message is refused unread, and a
 * declared length beyond the cap fails before Avro allocates for it. No input can make this throw
 * anything but {@link UndecodableException}, and none can exhaust memory or the stack.
 */
public final class PayloadDecoder {

  private final WireFormat format;
  private final Schema contract;
  private final DecodeLimits limits;
  private final Map<Long, Plan> plans = new ConcurrentHashMap<>();
  private BinaryDecoder reusableDecoder;

  public PayloadDecoder(WireFormat format, Schema contract) {
    this(format, contract, DecodeLimits.DEFAULTS);
  }

  public PayloadDecoder(WireFormat format, Schema contract, DecodeLimits limits) {
    this.format = format;
    this.contract = contract;
    this.limits = limits.install();
    if (!limits.enforcedByAvro()) {
      throw new IllegalStateException("Avro does not enforce the decode limit of " + limits.maxPayloadBytes()
          + " bytes (org.apache.avro.limits.*); refusing to decode unbounded input");
    }
  }

  public Schema contract() {
    return contract;
  }

  /** Decodes the body with its writer schema: every field the producer wrote, in its own type. */
  public Decoded decodeAsWritten(byte[] message) throws UndecodableException {
    checkSize(message);
    Framed framed = format.frame(message);
    Plan plan = planFor(framed.writer());
    return new Decoded(framed.writer(), read(plan.asWritten, message, framed.bodyOffset()), plan.writerIsContract,
        plan.unmappedFields);
  }

  /** Decodes the body resolved to the contract: defaults filled in, types promoted, aliases applied. */
  public Decoded decodeAsContract(byte[] message) throws UndecodableException {
    checkSize(message);
    Framed framed = format.frame(message);
    Plan plan = planFor(framed.writer());
    return new Decoded(framed.writer(), read(plan.asContract, message, framed.bodyOffset()), plan.writerIsContract,
        plan.unmappedFields);
  }

  private void checkSize(byte[] message) throws UndecodableException {
    if (message.length > limits.maxPayloadBytes()) {
      throw new UndecodableException(UndecodableReason.PAYLOAD_TOO_LARGE,
          message.length + " bytes, the cap is " + limits.maxPayloadBytes());
    }
  }

  private Plan planFor(WriterSchema writer) throws UndecodableException {
    Plan plan = plans.get(writer.fingerprint());
    if (plan == null) {
      plan = Plan.of(writer.schema(), contract);
      plans.put(writer.fingerprint(), plan);
    }
    if (plan.incompatibility != null) {
      throw plan.incompatibility;
    }
    return plan;
  }

  private GenericRecord read(GenericDatumReader<GenericRecord> reader, byte[] message, int offset)
      throws UndecodableException {
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(message, offset, message.length - offset, reusableDecoder);
    reusableDecoder = decoder;
    try {
      GenericRecord record = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new UndecodableException(UndecodableReason.CORRUPT_PAYLOAD,
            "trailing bytes after the record (" + (message.length - offset) + " byte body)");
      }
      return record;
    } catch (SystemLimitException e) {
      throw new UndecodableException(UndecodableReason.LENGTH_LIMIT_EXCEEDED, e.getMessage(), e);
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
        | ClassCastException e) {
      // Avro reports corrupt input through several exception types (EOF, malformed length,
      // bad union index); all mean the same thing for us.
      throw new UndecodableException(UndecodableReason.CORRUPT_PAYLOAD,
          e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    } catch (StackOverflowError e) {
      // Only a recursive writer schema can nest this deep; the frames are unwound by now, so the
      // thread is healthy again. (OutOfMemoryError is never caught: the limits prevent it.)
      throw new UndecodableException(UndecodableReason.NESTING_TOO_DEEP,
          "the body nests deeper than the decoder's stack (" + (message.length - offset) + " byte body)");
    }
  }

  /**
   * A message decoded, with the schema it was written with. {@code writerIsContract}: the writer
   * schema is the contract itself, so the record is both as written and as the contract reads it
   * (one decode serves bronze and silver). {@code unmappedFields}: fields of the writer that no
   * contract field reads, by name or alias (a rename the contract does not know); their values are
   * in the record as written only, and the contract's side holds its default instead.
   */
  public record Decoded(WriterSchema writer, GenericRecord record, boolean writerIsContract, List<String> unmappedFields) {}

  /** What we know about one writer schema: compatible or not, and the readers to use. */
  private static final class Plan {
    final UndecodableException incompatibility;
    final GenericDatumReader<GenericRecord> asWritten;
    final GenericDatumReader<GenericRecord> asContract;
    final boolean writerIsContract;
    final List<String> unmappedFields;

    private Plan(UndecodableException incompatibility, Schema writer, Schema contract) {
      this.incompatibility = incompatibility;
      this.asWritten = incompatibility == null ? new Utf8DatumReader(writer, writer) : null;
      this.asContract = incompatibility == null ? new Utf8DatumReader(writer, contract) : null;
      this.writerIsContract = writer.equals(contract);
      this.unmappedFields = unmapped(writer, contract);
    }

    /** Top-level writer fields that resolution to the contract skips (matched by name or reader alias). */
    private static List<String> unmapped(Schema writer, Schema contract) {
      if (writer.getType() != Schema.Type.RECORD || contract.getType() != Schema.Type.RECORD) {
        return List.of();
      }
      java.util.Set<String> read = new java.util.HashSet<>();
      for (Schema.Field f : contract.getFields()) {
        read.add(f.name());
        read.addAll(f.aliases());
      }
      return writer.getFields().stream().map(Schema.Field::name).filter(n -> !read.contains(n)).toList();
    }

    static Plan of(Schema writer, Schema contract) {
      SchemaCompatibility.SchemaCompatibilityResult result =
          SchemaCompatibility.checkReaderWriterCompatibility(contract, writer).getResult();
      if (result.getCompatibility() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
        return new Plan(null, writer, contract);
      }
      List<Incompatibility> problems = result.getIncompatibilities();
      boolean onlyMissing = problems.stream()
          .allMatch(p -> p.getType() == SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE);
      String detail = problems.stream()
          .map(p -> p.getType() + " at " + p.getLocation() + " (" + p.getMessage() + ")")
          .collect(Collectors.joining("; "));
      UndecodableReason reason = onlyMissing ? UndecodableReason.MISSING_REQUIRED_FIELD : UndecodableReason.INCOMPATIBLE_SCHEMA;
      return new Plan(new UndecodableException(reason,
          "writer " + writer.getFullName() + " does not resolve to the contract: " + detail), writer, contract);
    }
  }

  /**
   * Reads every string as Avro's {@link org.apache.avro.util.Utf8}, the bytes as they arrived.
   * The stock reader looks up the Java string class for each string field of each record (a map
   * lookup that showed in profiles of the ingest job); every consumer here takes UTF-8 bytes or
   * calls {@code toString()}, so the lookup buys nothing.
   */
  private static final class Utf8DatumReader extends GenericDatumReader<GenericRecord> {
    Utf8DatumReader(Schema writer, Schema reader) {
      super(writer, reader, GenericData.get());
    }

    @Override
    protected Object readString(Object old, Schema expected, Decoder in) throws IOException {
      return readString(old, in);
    }
  }
}
