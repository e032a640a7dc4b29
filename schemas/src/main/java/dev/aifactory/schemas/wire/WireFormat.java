package dev.aifactory.schemas.wire;

/**
 * A way Avro messages are framed on a Kafka topic: it reads the header, finds the writer schema
 * and says where the body begins. Implementations are thread-safe and serializable-free: build
 * them in {@code open()} from configuration.
 */
public interface WireFormat {

  Framed frame(byte[] message) throws UndecodableException;
}
