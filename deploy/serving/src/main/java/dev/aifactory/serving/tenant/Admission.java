package dev.aifactory.serving.tenant;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * Whether a tenant's request may run now. Two checks, neither of which waits:
 * <ul>
 *   <li>the tenant's token bucket (Bucket4j): it holds one second of the tenant's rate, starts
 *       full and refills continuously, so a tenant may send a burst of {@code rate_per_second}
 *       requests at any time, including its first second, and no more than its rate over time.
 *       A reload of the tenants file keeps the bucket of a tenant whose rate did not change, so
 *       rotating a key hands out no extra burst;
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

  /** A tenant's bucket with the rate it was made for. */
  private record RateBucket(double ratePerSecond, Bucket bucket) {

    static RateBucket of(double ratePerSecond) {
      // Bucket4j counts whole tokens: one second's worth, at least one, refilled at the rate.
      long capacity = Math.max(1, (long) Math.ceil(ratePerSecond));
      Duration refillPeriod = Duration.ofNanos(Math.round(capacity / ratePerSecond * 1e9));
      Bandwidth limit = Bandwidth.builder().capacity(capacity).refillGreedy(capacity, refillPeriod).build();
      return new RateBucket(ratePerSecond, Bucket.builder().addLimit(limit).build());
    }
  }

  private final Map<String, RateBucket> buckets = new HashMap<>();
  private final Map<Tenant.Pool, Semaphore> pools = new EnumMap<>(Tenant.Pool.class);

  public Admission(Tenants tenants) {
    this(tenants, null);
  }

  /**
   * Admission for a new version of the tenants file: a tenant whose rate is unchanged keeps its
   * bucket from {@code previous} (null at start), so a reload neither refills nor empties it.
   * The pools start afresh, sized by the new file; requests admitted under the old version
   * release their slots to the old pools.
   */
  public Admission(Tenants tenants, Admission previous) {
    for (Tenant t : tenants.all()) {
      RateBucket kept = previous == null ? null : previous.buckets.get(t.id());
      buckets.put(t.id(), kept != null && kept.ratePerSecond() == t.ratePerSecond() ? kept : RateBucket.of(t.ratePerSecond()));
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
    RateBucket bucket = buckets.get(tenant.id());
    if (bucket == null) {
      throw new IllegalArgumentException("tenant " + tenant.id() + " is not in this version of the tenants file");
    }
    if (!bucket.bucket().tryConsume(1)) {
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
