package dev.aifactory.schemas.tokens;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The secret keys that pseudonymise classified values, read from a file that a deployment
 * mounts from its secret store (never from code, never from a command line). The file is a
 * properties file:
 *
 * <pre>
 * active=k2
 * k1=&lt;base64 of 32 random bytes&gt;   # retired: still used to find old tokens
 * k2=&lt;base64 of 32 random bytes&gt;   # tokenises everything new
 * </pre>
 *
 * Rotation adds a key and makes it active ({@link #rotate}); retired keys stay so that tokens
 * made with them can still be found from a raw value (erasure, lookups) until the data they
 * protect has aged out. Keys never leave the process that reads the file: jobs ship the file's
 * path, not the keys.
 */
public final class Keyring {

  private static final Pattern KEY_ID = Pattern.compile("[a-z0-9]{1,16}");
  private static final int KEY_BYTES = 32;

  private final String active;
  private final Map<String, byte[]> keys;

  private Keyring(String active, Map<String, byte[]> keys) {
    this.active = active;
    this.keys = Collections.unmodifiableMap(new TreeMap<>(keys));
  }

  public static Keyring load(Path file) {
    if (!Files.isReadable(file)) {
      throw new IllegalStateException("token keyring " + file.toAbsolutePath() + " is missing or unreadable; "
          + "mount it from your secret store, or create one with `factory keys init` (README: Governance)");
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read token keyring " + file, e);
    }
    String active = p.getProperty("active");
    Map<String, byte[]> keys = new LinkedHashMap<>();
    for (String id : p.stringPropertyNames()) {
      if (id.equals("active")) {
        continue;
      }
      if (!KEY_ID.matcher(id).matches()) {
        throw new IllegalStateException("token keyring " + file + ": key id '" + id + "' must match " + KEY_ID.pattern());
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(p.getProperty(id).trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("token keyring " + file + ": key " + id + " is not base64", e);
      }
      if (key.length < KEY_BYTES) {
        throw new IllegalStateException("token keyring " + file + ": key " + id + " has " + key.length
            + " bytes; HMAC-SHA256 keys need at least " + KEY_BYTES);
      }
      keys.put(id, key);
    }
    if (active == null || !keys.containsKey(active)) {
      throw new IllegalStateException("token keyring " + file + ": 'active' must name one of its keys " + keys.keySet());
    }
    return new Keyring(active, keys);
  }

  /**
   * Creates a keyring with one fresh random key, readable by its owner only. Refuses to
   * overwrite one: replacing keys silently would change every token.
   */
  public static Keyring create(Path file) {
    Map<String, byte[]> keys = Map.of("k1", randomKey());
    write(file, "k1", keys, false);
    return new Keyring("k1", keys);
  }

  /** {@link #load} the file, {@link #create} it first when it does not exist (local stacks only). */
  public static Keyring loadOrCreate(Path file) {
    if (!Files.exists(file)) {
      try {
        return create(file);
      } catch (IllegalStateException raced) {
        // another process created it first: use theirs
      }
    }
    return load(file);
  }

  /** Adds a fresh key to the file and makes it active; the others stay, retired. */
  public static Keyring rotate(Path file) {
    Keyring current = load(file);
    int n = current.keys.size() + 1;
    String id = "k" + n;
    while (current.keys.containsKey(id)) {
      id = "k" + ++n;
    }
    Map<String, byte[]> keys = new LinkedHashMap<>(current.keys);
    keys.put(id, randomKey());
    write(file, id, keys, true);
    return new Keyring(id, keys);
  }

  public String activeId() {
    return active;
  }

  public Iterable<String> ids() {
    return keys.keySet();
  }

  byte[] key(String id) {
    byte[] key = keys.get(id);
    if (key == null) {
      throw new IllegalArgumentException("no token key " + id + " in the keyring");
    }
    return key;
  }

  private static byte[] randomKey() {
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return key;
  }

  private static void write(Path file, String active, Map<String, byte[]> keys, boolean replace) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".keyring", ".tmp");
      try {
        restrictToOwner(tmp);
        try (OutputStream out = Files.newOutputStream(tmp)) {
          StringBuilder text = new StringBuilder("# token keyring: HMAC-SHA256 keys of the factory's pseudonyms. Secret.\n");
          text.append("active=").append(active).append('\n');
          keys.forEach((id, key) -> text.append(id).append('=').append(Base64.getEncoder().encodeToString(key)).append('\n'));
          out.write(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (replace) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else {
          try {
            Files.createLink(file, tmp); // fails if the file exists: never replace a keyring by accident
          } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("token keyring " + file + " already exists; use rotate to add a key", e);
          } catch (UnsupportedOperationException e) {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
          }
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write token keyring " + file, e);
    }
  }

  private static void restrictToOwner(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the temp file already inherits the user's private ACL
    }
  }
}
