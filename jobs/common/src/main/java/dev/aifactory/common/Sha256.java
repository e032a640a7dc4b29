package dev.aifactory.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import java.util.HexFormat;

/** SHA-256 as lowercase hex: the form SQL's {@code SHA2(x, 256)} gives, so pseudonyms match across engines. */
public final class Sha256 {

  private Sha256() {}

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  /** Of the string's UTF-8 bytes. */
  public static String hex(String value) {
    return hex(value.getBytes(StandardCharsets.UTF_8));
  }

  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
