package dev.aifactory.schemas.wire;

/**
 * Reads both framings on one topic, choosing by the first byte: {@code C3} is single-object
 * encoding, {@code 00} the registry framing (when a registry is configured). Topics in transition
 * from one producer library to another carry both.
 */
public final class DetectingWireFormat implements WireFormat {

  private final SingleObjectFormat singleObject;
  private final RegistryFramedFormat registryFramed; // null when no registry is configured

  public DetectingWireFormat(SingleObjectFormat singleObject, RegistryFramedFormat registryFramed) {
    this.singleObject = singleObject;
    this.registryFramed = registryFramed;
  }

  @Override
  public Framed frame(byte[] message) throws UndecodableException {
    if (message == null || message.length == 0) {
      throw new UndecodableException(UndecodableReason.EMPTY_PAYLOAD, "zero bytes");
    }
    if (SingleObjectFormat.looksLike(message)) {
      return singleObject.frame(message);
    }
    if (RegistryFramedFormat.looksLike(message)) {
      if (registryFramed == null) {
        throw new UndecodableException(UndecodableReason.UNKNOWN_WIRE_FORMAT,
            "registry-framed message but no schema registry is configured");
      }
      return registryFramed.frame(message);
    }
    throw new UndecodableException(UndecodableReason.UNKNOWN_WIRE_FORMAT,
        String.format("first byte %02X is neither single-object (C3) nor registry framing (00)", message[0]));
  }
}
