package dev.aifactory.common.policy;

/** An action the policy denies; the message names the rule (or says none permits it) and the policy version. */
public final class PolicyDeniedException extends RuntimeException {

  private final transient Decision decision;

  PolicyDeniedException(Decision decision) {
    super(decision.reason());
    this.decision = decision;
  }

  public Decision decision() {
    return decision;
  }
}
