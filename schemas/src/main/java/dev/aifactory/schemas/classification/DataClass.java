package dev.aifactory.schemas.classification;

import java.util.Arrays;
import java.util.Locale;

/**
 * The data classes a schema field may declare with {@code "classification"}. Policies grant
 * roles and model purposes access by class, and ingest protects every classified field before
 * silver.
 */
public enum DataClass {
  /** Payment card data (PCI DSS scope): card numbers and their tokens from the issuer. */
  PCI,
  /** Data that identifies a person on its own: IP address, device fingerprint, e-mail. */
  PII,
  /** Data that identifies a person in combination: precise location, birth date, postcode. */
  QUASI_IDENTIFIER;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DataClass of(String label) {
    for (DataClass c : values()) {
      if (c.label().equals(label)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown data class '" + label + "'; known: "
        + Arrays.stream(values()).map(DataClass::label).toList());
  }
}
