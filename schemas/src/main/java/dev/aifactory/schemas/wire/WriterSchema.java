package dev.aifactory.schemas.wire;

import org.apache.avro.Schema;

/**
 * The schema a message was written with, how it was named on the wire ({@code ref}, for lineage:
 * {@code fp:<hex>}, {@code registry:<id>} or {@code plain:<hex>}), and its version when the
 * schema carries one (-1 otherwise, as for writers known only to a registry).
 */
public record WriterSchema(Schema schema, String ref, long fingerprint, int version) {

  public static WriterSchema of(Schema schema, String ref, long fingerprint) {
    Object v = schema.getObjectProp("version");
    return new WriterSchema(schema, ref, fingerprint, v instanceof Number n ? n.intValue() : -1);
  }
}
