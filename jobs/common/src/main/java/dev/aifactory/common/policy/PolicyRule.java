package dev.aifactory.common.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.List;

/**
 * One rule of the policy. A rule is about roles (who reads a zone) or purposes (what a model is
 * for), never both; an absent zone or class list means any, {@code "*"} too.
 */
public record PolicyRule(
    String id,
    Effect effect,
    List<String> roles,
    @JsonProperty("except_roles") List<String> exceptRoles,
    List<String> purposes,
    List<String> zones,
    List<String> classes,
    String why) implements Serializable {

  public enum Effect {
    @JsonProperty("permit") PERMIT,
    @JsonProperty("forbid") FORBID
  }

  boolean matches(AccessRequest request) {
    boolean principal = request.isRole()
        ? roles != null && anyOf(roles, request.principal()) && (exceptRoles == null || !exceptRoles.contains(request.principal()))
        : purposes != null && anyOf(purposes, request.principal());
    return principal && (zones == null || request.zone() == null || anyOf(zones, request.zone()))
        && (classes == null || anyOf(classes, request.dataClass()));
  }

  private static boolean anyOf(List<String> values, String value) {
    return values.contains("*") || values.contains(value);
  }
}
