package dev.aifactory.serving.tenant;

import java.util.Set;

/**
 * A caller of the serving API: who it is, which pool its requests run in, how many requests a
 * second it may make (a token bucket holding one second's worth), what it may call, and the
 * purpose it scores for, which the access policy must allow for the view's data classes.
 */
public record Tenant(String id, Pool pool, double ratePerSecond, Set<Scope> scopes, String purpose) {

  /** Public callers and internal workflows are admitted from separate pools (seed §5). */
  public enum Pool { PUBLIC, INTERNAL }

  /** What a key may call. */
  public enum Scope { FEATURES, SCORE }
}
