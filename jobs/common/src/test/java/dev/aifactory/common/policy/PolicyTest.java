package dev.aifactory.common.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every rule of the bundled policy, once allowing and once denying, and the evaluator's semantics. */
class PolicyTest {

  private static final Policy POLICY = Policy.bundled();
  private static final Set<String> DECIDED_BY = new HashSet<>();

  static Stream<Arguments> requests() {
    return Stream.of(
        // request, allowed, deciding rule (null: nothing permits it)
        Arguments.of(AccessRequest.role("ingest", "bronze", "pci"), true, "ingest-reads-raw-data"),
        Arguments.of(AccessRequest.role("ingest", "gold", "pci"), false, null),
        Arguments.of(AccessRequest.role("features", "bronze", "pci"), false, "restricted-zones-are-for-ingest-and-privacy"),
        Arguments.of(AccessRequest.role("analyst", "raw", "pii"), false, "restricted-zones-are-for-ingest-and-privacy"),
        Arguments.of(AccessRequest.role("features", "bronze", "none"), false, null),
        Arguments.of(AccessRequest.role("sql_consumer", "gold", "pci"), true, "sql-consumers-read-protected-zones"),
        Arguments.of(AccessRequest.role("sql_consumer", "bronze", "none"), false, null),
        Arguments.of(AccessRequest.role("sql_consumer", "quarantine", "none"), true, "sql-consumers-see-why-records-were-quarantined"),
        Arguments.of(AccessRequest.role("sql_consumer", "quarantine", "pci"), false, "restricted-zones-are-for-ingest-and-privacy"),
        Arguments.of(AccessRequest.role("privacy_officer", "quarantine", "pii"), true, "privacy-officers-read-restricted-zones"),
        Arguments.of(AccessRequest.role("privacy_officer", "models", "none"), false, null),
        Arguments.of(AccessRequest.role("scoring", "silver", "pci"), true, "pipelines-read-protected-zones"),
        Arguments.of(AccessRequest.role("scoring", "bronze", "pci"), false, "restricted-zones-are-for-ingest-and-privacy"),
        Arguments.of(AccessRequest.role("cost", "telemetry", "none"), true, "cost-reads-telemetry"),
        Arguments.of(AccessRequest.role("cost", "telemetry", "pci"), false, null),
        Arguments.of(AccessRequest.role("analyst", "gold", "quasi_identifier"), true, "analysts-read-gold-and-cost-without-identifiers"),
        Arguments.of(AccessRequest.role("analyst", "gold", "pci"), false, null),
        Arguments.of(AccessRequest.purpose("fraud_detection", "pci"), true, "fraud-models-use-payment-identifiers"),
        Arguments.of(AccessRequest.purpose("research", "pci"), false, null),
        Arguments.of(AccessRequest.purpose("marketing", "pci"), false, "marketing-never-uses-card-or-personal-data"),
        Arguments.of(AccessRequest.purpose("marketing", "pii"), false, "marketing-never-uses-card-or-personal-data"),
        Arguments.of(AccessRequest.purpose("marketing", "quasi_identifier"), true, "marketing-uses-unclassified-and-coarse-location"),
        Arguments.of(AccessRequest.purpose("marketing", "none"), true, "marketing-uses-unclassified-and-coarse-location"));
  }

  @ParameterizedTest
  @MethodSource("requests")
  void theBundledPolicyDecidesAndNamesTheRule(AccessRequest request, boolean allowed, String rule) {
    Decision d = POLICY.evaluate(request);
    assertThat(d.allowed()).as(d.reason()).isEqualTo(allowed);
    assertThat(d.rule()).isEqualTo(rule);
    assertThat(d.reason()).contains("policy v" + POLICY.version()).contains(rule == null ? "no rule permits" : "'" + rule + "'");
    if (rule != null) {
      DECIDED_BY.add(rule + (allowed ? ":allow" : ":deny"));
    }
  }

  @AfterAll
  static void everyRuleWasExercised() {
    for (PolicyRule r : POLICY.rules()) {
      assertThat(DECIDED_BY).as("a case decided by " + r.id())
          .contains(r.id() + (r.effect() == PolicyRule.Effect.PERMIT ? ":allow" : ":deny"));
    }
  }

  @Test
  void aForbidWinsOverAPermitAndNothingIsAllowedByDefault() {
    Policy p = Policy.parse("""
        version: 7
        rules:
          - {id: all, effect: permit, roles: ["*"]}
          - {id: no-bronze, effect: forbid, roles: ["*"], zones: [bronze]}
        """);
    assertThat(p.evaluate(AccessRequest.role("x", "silver", "pci")).allowed()).isTrue();
    assertThat(p.evaluate(AccessRequest.role("x", "bronze", "none")).rule()).isEqualTo("no-bronze");
    assertThat(p.evaluate(AccessRequest.purpose("anything", "none")).allowed()).as("no purpose rule").isFalse();
  }

  @Test
  void aDeniedReadThrowsWithTheRule() {
    assertThatThrownBy(() -> POLICY.requireRead("features", "bronze", List.of("pci")))
        .isInstanceOf(PolicyDeniedException.class).hasMessageContaining("restricted-zones-are-for-ingest-and-privacy");
    assertThat(POLICY.requireRead("features", "silver", List.of("pci"))).extracting(Decision::allowed).containsOnly(true);
    assertThatThrownBy(() -> POLICY.requirePurpose("marketing", List.of("pci")))
        .hasMessageContaining("marketing-never-uses-card-or-personal-data");
  }

  @Test
  void aMalformedPolicyIsRefused() {
    assertThatThrownBy(() -> Policy.parse("version: 1\nrules:\n  - {id: a, effect: permit, roles: [x]}\n  - {id: a, effect: permit, roles: [y]}\n"))
        .hasMessageContaining("unique id");
    assertThatThrownBy(() -> Policy.parse("version: 1\nrules:\n  - {id: a, effect: permit, roles: [x], purposes: [y]}\n"))
        .hasMessageContaining("either roles or purposes");
    assertThatThrownBy(() -> Policy.parse("version: 1\nrules:\n  - {id: a, effect: permit, rolez: [x]}\n"))
        .hasMessageContaining("rolez");
  }
}
