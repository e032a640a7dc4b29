package dev.aifactory.common.policy;

/** The policy's answer, with the rule that decided it (null when no rule matched: denied by default). */
public record Decision(boolean allowed, String rule, int policyVersion, String reason) {

  /** Throws {@link PolicyDeniedException} when denied. */
  public Decision require() {
    if (!allowed) {
      throw new PolicyDeniedException(this);
    }
    return this;
  }
}
