package dev.aifactory.schemas.wire;

/** A message split into its writer schema and the offset where the Avro body starts. */
public record Framed(WriterSchema writer, int bodyOffset) {}
