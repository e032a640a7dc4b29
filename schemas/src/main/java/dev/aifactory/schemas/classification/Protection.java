package dev.aifactory.schemas.classification;

import dev.aifactory.schemas.tokens.Tokenizer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a classified field is protected before it leaves the restricted zones (bronze and
 * quarantine), as its schema declares with {@code "protection"}:
 * <ul>
 *   <li>{@code tokenize}: replaced by its keyed {@link Tokenizer token}, so it still joins;</li>
 *   <li>{@code round:N}: a number rounded to N decimals (2 decimals of a degree is about 1 km);</li>
 *   <li>{@code ip-prefix:A/B}: an IPv4 address cut to its first A bits, IPv6 to its first B bits;
 *       anything else that is not an address literal becomes null rather than pass through.</li>
 * </ul>
 */
public sealed interface Protection {

  /** The protected form of {@code value} (never null in, never the raw value out). */
  Object apply(Object value, Tokenizer tokens);

  String spec();

  static Protection parse(String spec) {
    if (spec.equals("tokenize")) {
      return new Tokenize();
    }
    Matcher round = Pattern.compile("round:(\\d)").matcher(spec);
    if (round.matches()) {
      return new Round(Integer.parseInt(round.group(1)));
    }
    Matcher ip = Pattern.compile("ip-prefix:(\\d{1,2})/(\\d{1,3})").matcher(spec);
    if (ip.matches()) {
      int v4 = Integer.parseInt(ip.group(1));
      int v6 = Integer.parseInt(ip.group(2));
      if (v4 > 32 || v6 > 128) {
        throw new IllegalArgumentException("ip-prefix bits out of range: " + spec);
      }
      return new IpPrefix(v4, v6);
    }
    throw new IllegalArgumentException("unknown protection '" + spec + "'; known: tokenize, round:N, ip-prefix:A/B");
  }

  /**
   * A value that already is a token of this keyring (a label a reviewer gave a payment known
   * only by its card's token) is kept: tokenizing it again would make a token no other record
   * of the card has.
   */
  record Tokenize() implements Protection {
    public Object apply(Object value, Tokenizer tokens) {
      String s = value.toString();
      return tokens.issuedByThisKeyring(s) ? s : tokens.token(s);
    }

    public String spec() {
      return "tokenize";
    }
  }

  record Round(int decimals) implements Protection {
    public Object apply(Object value, Tokenizer tokens) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        return d;
      }
      return BigDecimal.valueOf(d).setScale(decimals, RoundingMode.HALF_EVEN).doubleValue();
    }

    public String spec() {
      return "round:" + decimals;
    }
  }

  record IpPrefix(int v4Bits, int v6Bits) implements Protection {
    private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    public Object apply(Object value, Tokenizer tokens) {
      String text = value.toString().trim();
      Matcher m = V4.matcher(text);
      if (m.matches()) {
        long address = 0;
        for (int i = 1; i <= 4; i++) {
          int octet = Integer.parseInt(m.group(i));
          if (octet > 255) {
            return null;
          }
          address = address << 8 | octet;
        }
        long masked = v4Bits == 0 ? 0 : address & (0xFFFFFFFFL << (32 - v4Bits)) & 0xFFFFFFFFL;
        return (masked >> 24 & 255) + "." + (masked >> 16 & 255) + "." + (masked >> 8 & 255) + "." + (masked & 255);
      }
      if (text.indexOf(':') >= 0 && V6.matcher(text).matches()) {
        try {
          // A literal with ':' is parsed, never looked up in DNS.
          byte[] bytes = java.net.InetAddress.getByName(text).getAddress();
          if (bytes.length != 16) {
            return null;
          }
          for (int bit = v6Bits; bit < 128; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
          }
          return java.net.InetAddress.getByAddress(bytes).getHostAddress();
        } catch (java.net.UnknownHostException e) {
          return null;
        }
      }
      return null;
    }

    public String spec() {
      return "ip-prefix:" + v4Bits + "/" + v6Bits;
    }
  }
}
