package dev.aifactory.features.definition;

import java.io.Serializable;

/**
 * One feature of a view: an aggregation of a field (or of the events themselves) over a window
 * that ends at each emission time. {@code windowMillis} is a multiple of the view's slide.
 */
public record FeatureDef(String name, Aggregation aggregation, String field, long windowMillis) implements Serializable {}
