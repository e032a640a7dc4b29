package dev.aifactory.serving.tenant;

import com.google.common.util.concurrent.RateLimiter;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * Whether a tenant's request may run now. Two checks, neither of which waits:
 * <ul>
 *   <li>the tenant's token bucket (Guava's {@link RateLimiter}, which stores up to one second of
 *       unused permits: a burst of at most {@code rate_per_second});
 *   <li>a free slot in the tenant's pool: public and internal callers have separate pools of
 *       concurrent requests, so a surge of public traffic fills only the public pool and
 *       internal workflows keep theirs.
 * </ul>
 */
public final class Admission {

  /** Why a request was not admitted. */
  public enum Refusal { OVER_QUOTA, POOL_FULL }

  /** An admitted request's pool slot: release it when the response is written. */
  public interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  private final Map<String, RateLimiter> buckets = new HashMap<>();
  private final Map<Tenant.Pool, Semaphore> pools = new EnumMap<>(Tenant.Pool.class);

  public Admission(Tenants tenants) {
    for (Tenant t : tenants.all()) {
      buckets.put(t.id(), RateLimiter.create(t.ratePerSecond()));
    }
    for (Tenant.Pool p : Tenant.Pool.values()) {
      pools.put(p, new Semaphore(tenants.poolSize(p)));
    }
  }

  /** Thrown when a request is not admitted; the caller may retry after a second. */
  public static final class Refused extends RuntimeException {
    private final Refusal refusal;

    Refused(Refusal refusal, String message) {
      super(message, null, false, false);
      this.refusal = refusal;
    }

    public Refusal refusal() {
      return refusal;
    }
  }

  /** A slot in the tenant's pool; never blocks. */
  public Slot admit(Tenant tenant) {
    RateLimiter bucket = buckets.get(tenant.id());
    if (bucket == null) {
      throw new IllegalArgumentException("tenant " + tenant.id() + " is not in this version of the tenants file");
    }
    if (!bucket.tryAcquire()) {
      throw new Refused(Refusal.OVER_QUOTA, "tenant " + tenant.id() + " is over its quota of "
          + tenant.ratePerSecond() + " requests per second");
    }
    Semaphore pool = pools.get(tenant.pool());
    if (!pool.tryAcquire()) {
      throw new Refused(Refusal.POOL_FULL, "the " + tenant.pool().name().toLowerCase(java.util.Locale.ROOT)
          + " pool has no free slot");
    }
    return pool::release;
  }
}
