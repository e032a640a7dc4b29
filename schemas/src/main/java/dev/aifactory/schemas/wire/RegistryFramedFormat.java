package dev.aifactory.schemas.wire;

/**
 * The schema-registry framing most Kafka producers use: a zero magic byte, a 4-byte big-endian
 * schema id, then the body. Ids resolve through a {@link SchemaRegistryClient}.
 */
public final class RegistryFramedFormat implements WireFormat {

  static final byte MAGIC = 0;
  static final int HEADER_LENGTH = 5;

  private final SchemaRegistryClient registry;

  public RegistryFramedFormat(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  static boolean looksLike(byte[] message) {
    return message.length >= 1 && message[0] == MAGIC;
  }

  @Override
  public Framed frame(byte[] message) throws UndecodableException {
    if (message.length < HEADER_LENGTH) {
      throw new UndecodableException(UndecodableReason.TRUNCATED_HEADER,
          "registry header needs " + HEADER_LENGTH + " bytes, got " + message.length);
    }
    if (message[0] != MAGIC) {
      throw new UndecodableException(UndecodableReason.UNKNOWN_WIRE_FORMAT,
          String.format("expected registry magic byte 00, got %02X", message[0]));
    }
    int id = ((message[1] & 0xFF) << 24) | ((message[2] & 0xFF) << 16) | ((message[3] & 0xFF) << 8) | (message[4] & 0xFF);
    return new Framed(registry.writerSchema(id), HEADER_LENGTH);
  }
}
