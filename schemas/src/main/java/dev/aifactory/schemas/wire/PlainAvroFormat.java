package dev.aifactory.schemas.wire;

import dev.aifactory.schemas.SchemaCatalog;
import org.apache.avro.Schema;

/**
 * Bare Avro bodies with no header, as Flink SQL's {@code avro} format writes them: the writer
 * schema is fixed per topic by configuration.
 */
public final class PlainAvroFormat implements WireFormat {

  private final Framed framed;

  public PlainAvroFormat(Schema writer) {
    long fp = SchemaCatalog.fingerprintOf(writer);
    this.framed = new Framed(WriterSchema.of(writer, "plain:" + Long.toHexString(fp), fp), 0);
  }

  @Override
  public Framed frame(byte[] message) throws UndecodableException {
    if (message.length == 0) {
      throw new UndecodableException(UndecodableReason.EMPTY_PAYLOAD, "zero bytes");
    }
    return framed;
  }
}
