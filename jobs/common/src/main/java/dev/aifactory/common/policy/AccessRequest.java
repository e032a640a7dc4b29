package dev.aifactory.common.policy;

/**
 * A question for the policy: may this role read this class in this zone, or may a model for
 * this purpose use this class? {@code zone} is null for purposes.
 */
public record AccessRequest(Kind kind, String principal, String zone, String dataClass) {

  public enum Kind { ROLE, PURPOSE }

  public static AccessRequest role(String role, String zone, String dataClass) {
    return new AccessRequest(Kind.ROLE, role, zone, dataClass);
  }

  public static AccessRequest purpose(String purpose, String dataClass) {
    return new AccessRequest(Kind.PURPOSE, purpose, null, dataClass);
  }

  boolean isRole() {
    return kind == Kind.ROLE;
  }

  String describe() {
    return isRole() ? "role '" + principal + "' reading class '" + dataClass + "' in zone '" + zone + "'"
        : "purpose '" + principal + "' using class '" + dataClass + "'";
  }
}
