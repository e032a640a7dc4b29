package dev.aifactory.schemas.wire;

import dev.aifactory.schemas.SchemaCatalog;

/**
 * Avro's single-object encoding: {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint
 * of the writer schema, then the body. Fingerprints resolve against the bundled catalog.
 */
public final class SingleObjectFormat implements WireFormat {

  static final byte MARKER_0 = (byte) 0xC3;
  static final byte MARKER_1 = (byte) 0x01;
  static final int HEADER_LENGTH = 10;

  private final SchemaCatalog catalog;

  public SingleObjectFormat(SchemaCatalog catalog) {
    this.catalog = catalog;
  }

  static boolean looksLike(byte[] message) {
    return message.length >= 1 && message[0] == MARKER_0;
  }

  @Override
  public Framed frame(byte[] message) throws UndecodableException {
    if (message.length < HEADER_LENGTH) {
      throw new UndecodableException(UndecodableReason.TRUNCATED_HEADER,
          "single-object header needs " + HEADER_LENGTH + " bytes, got " + message.length);
    }
    if (message[0] != MARKER_0 || message[1] != MARKER_1) {
      throw new UndecodableException(UndecodableReason.UNKNOWN_WIRE_FORMAT,
          String.format("expected single-object marker C3 01, got %02X %02X", message[0], message[1]));
    }
    long fingerprint = 0;
    for (int i = 9; i >= 2; i--) {
      fingerprint = (fingerprint << 8) | (message[i] & 0xFFL);
    }
    final long fp = fingerprint;
    SchemaCatalog.VersionedSchema known = catalog.byFingerprint(fp).orElseThrow(() ->
        new UndecodableException(UndecodableReason.UNKNOWN_SCHEMA,
            "no schema in the catalog has fingerprint " + Long.toHexString(fp)));
    return new Framed(new WriterSchema(known.schema(), "fp:" + Long.toHexString(fp), fp, known.version()),
        HEADER_LENGTH);
  }
}
