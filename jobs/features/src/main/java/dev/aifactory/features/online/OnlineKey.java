package dev.aifactory.features.online;

import dev.aifactory.features.definition.FeatureView;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one entity's vector of one view version lives, in every online store: the Redis key and
 * the online topic's record key. The view and version are part of the key, so two versions of a
 * view are served side by side while a model moves from one to the other, and compaction of the
 * topic never lets one version's row replace another's.
 */
public record OnlineKey(String view, int version, String entity) {

  private static final Pattern FORMAT = Pattern.compile("features:([^:]+):v(\\d+):(.+)", Pattern.DOTALL);

  public static OnlineKey of(FeatureView view, String entity) {
    return new OnlineKey(view.name(), view.version(), entity);
  }

  /** {@code features:<view>:v<version>:<entity>}. */
  public String asString() {
    return "features:" + view + ":v" + version + ":" + entity;
  }

  public byte[] bytes() {
    return asString().getBytes(StandardCharsets.UTF_8);
  }

  /** Whether this key holds {@code view}'s vectors (its name and version). */
  public boolean of(FeatureView view) {
    return this.view.equals(view.name()) && version == view.version();
  }

  /**
   * The key of an online topic record.
   *
   * @throws IllegalArgumentException a key of another format (a release before the version was
   *     part of it keyed by the entity alone)
   */
  public static OnlineKey parse(byte[] key) {
    String s = new String(key, StandardCharsets.UTF_8);
    Matcher m = FORMAT.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException("not an online key (features:<view>:v<version>:<entity>): " + abbreviated(s));
    }
    return new OnlineKey(m.group(1), Integer.parseInt(m.group(2)), m.group(3));
  }

  /**
   * The key of an online topic record of {@code codec}'s view version, or null when the record
   * belongs to another view or version (or has no key). A record of a release before the key held
   * the view and version, keyed by the entity alone, is resolved from its value, which carries
   * its version; such a tombstone has no value and counts for every version.
   */
  public static OnlineKey resolve(byte[] key, byte[] value, OnlineCodec codec) {
    if (key == null) {
      return null;
    }
    try {
      OnlineKey parsed = parse(key);
      return parsed.of(codec.view()) ? parsed : null;
    } catch (IllegalArgumentException unversioned) {
      String entity = new String(key, StandardCharsets.UTF_8);
      if (value == null) {
        return of(codec.view(), entity);
      }
      try {
        return codec.decode(value).entity().equals(entity) ? of(codec.view(), entity) : null;
      } catch (Exception anotherVersion) {
        return null; // the value is another version's record (or none at all)
      }
    }
  }

  private static String abbreviated(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
