package dev.aifactory.serving.tenant;

import dev.aifactory.common.Sha256;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The tenants file: each tenant with the SHA-256 of its API keys (never the keys themselves, so
 * the file or the Secret it comes from gives no key away), its pool, rate and scopes. A key is
 * found by its hash; two tenants may not share one.
 *
 * <pre>
 * tenants:
 *   - id: checkout
 *     pool: public
 *     rate_per_second: 500
 *     scopes: [score, features]
 *     purpose: fraud_detection
 *     key_sha256: [9f86d0...]
 * pools: {public: 64, internal: 16}     # concurrent requests per pool
 * </pre>
 */
public final class Tenants {

  private final Map<String, Tenant> byKeyHash;
  private final Map<Tenant.Pool, Integer> poolSizes;

  private Tenants(Map<String, Tenant> byKeyHash, Map<Tenant.Pool, Integer> poolSizes) {
    this.byKeyHash = byKeyHash;
    this.poolSizes = poolSizes;
  }

  public static Tenants load(Path file) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    File parsed = yaml.readValue(file.toFile(), File.class);
    if (parsed.tenants == null || parsed.tenants.isEmpty()) {
      throw new IllegalArgumentException(file + ": no tenants");
    }
    Map<String, Tenant> byKeyHash = new HashMap<>();
    for (Entry e : parsed.tenants) {
      if (e.id == null || e.id.isBlank() || e.keySha256 == null || e.keySha256.isEmpty() || !(e.ratePerSecond > 0)) {
        throw new IllegalArgumentException(file + ": every tenant needs an id, key_sha256 and a positive rate_per_second");
      }
      EnumSet<Tenant.Scope> scopes = EnumSet.noneOf(Tenant.Scope.class);
      (e.scopes == null ? List.of("score", "features") : e.scopes)
          .forEach(s -> scopes.add(Tenant.Scope.valueOf(s.toUpperCase(Locale.ROOT))));
      Tenant tenant = new Tenant(e.id, Tenant.Pool.valueOf((e.pool == null ? "public" : e.pool).toUpperCase(Locale.ROOT)),
          e.ratePerSecond, scopes, e.purpose == null ? "fraud_detection" : e.purpose);
      for (String hash : e.keySha256) {
        String h = hash.toLowerCase(Locale.ROOT);
        if (!h.matches("[0-9a-f]{64}")) {
          throw new IllegalArgumentException(file + ": tenant " + e.id + " has a key_sha256 that is not 64 hex digits");
        }
        Tenant before = byKeyHash.put(h, tenant);
        if (before != null) {
          throw new IllegalArgumentException(file + ": tenants " + before.id() + " and " + e.id + " share a key");
        }
      }
    }
    Map<Tenant.Pool, Integer> pools = new HashMap<>(Map.of(Tenant.Pool.PUBLIC, 64, Tenant.Pool.INTERNAL, 16));
    if (parsed.pools != null) {
      parsed.pools.forEach((name, size) -> pools.put(Tenant.Pool.valueOf(name.toUpperCase(Locale.ROOT)), size));
    }
    return new Tenants(Map.copyOf(byKeyHash), Map.copyOf(pools));
  }

  /** The tenant holding {@code apiKey}, if any. */
  public Optional<Tenant> byKey(String apiKey) {
    return Optional.ofNullable(byKeyHash.get(sha256(apiKey)));
  }

  public java.util.Collection<Tenant> all() {
    return java.util.Set.copyOf(byKeyHash.values());
  }

  public int poolSize(Tenant.Pool pool) {
    return poolSizes.get(pool);
  }

  /** How a key is stored: lowercase hex SHA-256 of its UTF-8 bytes. */
  public static String sha256(String apiKey) {
    return Sha256.hex(apiKey);
  }

  private static final class File {
    public List<Entry> tenants;
    public Map<String, Integer> pools;
  }

  private static final class Entry {
    public String id;
    public String pool;
    @JsonProperty("rate_per_second")
    public double ratePerSecond;
    public List<String> scopes;
    public String purpose;
    @JsonProperty("key_sha256")
    public List<String> keySha256;
  }
}
