package dev.aifactory.ingest.quality;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A rule as declared in a domain file. Exactly one kind of check is set per rule:
 * {@code not_null}, {@code min}/{@code max}, {@code allowed}, {@code pattern}, {@code max_length},
 * {@code not_after_now} (a tolerance such as {@code 5min}) or {@code key_equals_field}.
 */
public record RuleSpec(
    @JsonProperty("name") String name,
    @JsonProperty("field") String field,
    @JsonProperty("not_null") Boolean notNull,
    @JsonProperty("min") Double min,
    @JsonProperty("max") Double max,
    @JsonProperty("allowed") List<String> allowed,
    @JsonProperty("pattern") String pattern,
    @JsonProperty("max_length") Integer maxLength,
    @JsonProperty("not_after_now") String notAfterNow,
    @JsonProperty("key_equals_field") String keyEqualsField) implements java.io.Serializable {}
