package dev.aifactory.schemas.classification;

/** A field a schema classifies, and how it is protected outside the restricted zones. */
public record ClassifiedField(String name, DataClass dataClass, Protection protection) {}
