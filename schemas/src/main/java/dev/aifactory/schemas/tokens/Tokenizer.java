package dev.aifactory.schemas.tokens;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Deterministic pseudonyms: {@code t.<key id>.<HMAC-SHA256(key, value), 192 bits, base64url>}.
 * The same value gives the same token in every job that reads the same keyring, so joins,
 * keys and features work on tokens; without the key a token cannot be reversed, even for values
 * of a known format ({@code card-000042}) that an unsalted hash would give away by enumeration.
 * The key id travels inside the token, so data tokenised before a rotation says which key made
 * it. Not thread-safe (one {@link Mac} per key): one per task.
 */
public final class Tokenizer {

  private static final String PREFIX = "t.";
  private static final int TOKEN_BYTES = 24;

  private final Keyring keyring;
  private final java.util.Map<String, Mac> macs = new java.util.HashMap<>();

  public Tokenizer(Keyring keyring) {
    this.keyring = keyring;
  }

  /** The token of {@code value} under the active key. */
  public String token(String value) {
    return token(keyring.activeId(), value);
  }

  /** The token of {@code value} under one key of the keyring. */
  public String token(String keyId, String value) {
    byte[] mac = mac(keyId).doFinal(value.getBytes(StandardCharsets.UTF_8));
    return PREFIX + keyId + '.' + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(mac, TOKEN_BYTES));
  }

  /** Every token {@code value} may have in data written under any key of the keyring, newest key first. */
  public List<String> candidates(String value) {
    List<String> out = new ArrayList<>();
    out.add(token(value));
    for (String id : keyring.ids()) {
      if (!id.equals(keyring.activeId())) {
        out.add(token(id, value));
      }
    }
    return out;
  }

  /** Whether {@code value} looks like a token this class makes (whatever the key). */
  public static boolean isToken(String value) {
    return value != null && value.startsWith(PREFIX) && value.indexOf('.', PREFIX.length()) > 0;
  }

  /**
   * Whether {@code value} is a token of one of this keyring's keys: the shape, a known key id,
   * and the length a token has. A raw value (a card number) never is.
   */
  public boolean issuedByThisKeyring(String value) {
    if (!isToken(value)) {
      return false;
    }
    String keyId = keyIdOf(value);
    boolean known = false;
    for (String id : keyring.ids()) {
      known |= id.equals(keyId);
    }
    if (!known) {
      return false;
    }
    String mac = value.substring(value.indexOf('.', PREFIX.length()) + 1);
    return mac.length() == (TOKEN_BYTES * 4 + 2) / 3 && mac.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_');
  }

  /** The id of the key that made {@code token}. */
  public static String keyIdOf(String token) {
    if (!isToken(token)) {
      throw new IllegalArgumentException("not a token");
    }
    return token.substring(PREFIX.length(), token.indexOf('.', PREFIX.length()));
  }

  private Mac mac(String keyId) {
    return macs.computeIfAbsent(keyId, id -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(keyring.key(id), "HmacSHA256"));
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
      }
    });
  }
}
