package dev.aifactory.serving.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdmissionTest {

  @TempDir
  Path tmp;

  Tenants tenants(String yaml) throws Exception {
    Path file = tmp.resolve("tenants.yaml");
    Files.writeString(file, yaml);
    return Tenants.load(file);
  }

  @Test
  void aSurgeOfPublicTrafficFillsOnlyThePublicPool() throws Exception {
    Tenants tenants = tenants("""
        tenants:
          - {id: web, pool: public, rate_per_second: 100000, key_sha256: [%s]}
          - {id: ops, pool: internal, rate_per_second: 100000, key_sha256: [%s]}
        pools: {public: 3, internal: 2}
        """.formatted(Tenants.sha256("w"), Tenants.sha256("o")));
    Admission admission = new Admission(tenants);
    Tenant web = tenants.byKey("w").orElseThrow();
    Tenant ops = tenants.byKey("o").orElseThrow();
    List<Admission.Slot> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(admission.admit(web));
    }
    assertThatThrownBy(() -> admission.admit(web)).isInstanceOf(Admission.Refused.class)
        .satisfies(e -> assertThat(((Admission.Refused) e).refusal()).isEqualTo(Admission.Refusal.POOL_FULL));
    // internal callers still have both of their slots
    try (Admission.Slot a = admission.admit(ops); Admission.Slot b = admission.admit(ops)) {
      assertThat(a).isNotNull();
      assertThat(b).isNotNull();
    }
    held.get(0).close();
    admission.admit(web).close();
  }

  @Test
  void eachTenantHasItsOwnTokenBucketWhichStartsWithOneSecondsBurst() throws Exception {
    Tenants tenants = tenants("""
        tenants:
          - {id: a, rate_per_second: 2, key_sha256: [%s]}
          - {id: b, rate_per_second: 2, key_sha256: [%s]}
        """.formatted(Tenants.sha256("a"), Tenants.sha256("b")));
    Admission admission = new Admission(tenants);
    Tenant a = tenants.byKey("a").orElseThrow();
    Tenant b = tenants.byKey("b").orElseThrow();
    // a burst of rate_per_second right after start: a fresh service must not refuse it
    admission.admit(a).close();
    admission.admit(a).close();
    assertThatThrownBy(() -> admission.admit(a)).isInstanceOf(Admission.Refused.class)
        .hasMessageContaining("over its quota")
        .satisfies(e -> assertThat(((Admission.Refused) e).refusal()).isEqualTo(Admission.Refusal.OVER_QUOTA));
    admission.admit(b).close();
    admission.admit(b).close();
    Thread.sleep(600); // 2/s refills one request in 500 ms
    admission.admit(a).close();
    assertThatThrownBy(() -> admission.admit(a)).isInstanceOf(Admission.Refused.class);
  }

  @Test
  void aRateBelowOnePerSecondAdmitsOneRequestPerPeriod() throws Exception {
    Tenants tenants = tenants("tenants:\n  - {id: slow, rate_per_second: 0.5, key_sha256: [" + Tenants.sha256("s") + "]}\n");
    Admission admission = new Admission(tenants);
    Tenant slow = tenants.byKey("s").orElseThrow();
    admission.admit(slow).close();
    assertThatThrownBy(() -> admission.admit(slow)).isInstanceOf(Admission.Refused.class);
  }

  @Test
  void aReloadKeepsTheBucketOfATenantWhoseRateDidNotChange() throws Exception {
    String same = "tenants:\n  - {id: a, rate_per_second: 2, key_sha256: [" + Tenants.sha256("a") + "]}\n";
    Tenants before = tenants(same);
    Admission first = new Admission(before);
    Tenant a = before.byKey("a").orElseThrow();
    first.admit(a).close();
    first.admit(a).close();
    // a rotated key, same rate: the emptied bucket stays empty instead of granting a new burst
    Tenants rotated = tenants("tenants:\n  - {id: a, rate_per_second: 2, key_sha256: [" + Tenants.sha256("a2") + "]}\n");
    Admission second = new Admission(rotated, first);
    assertThatThrownBy(() -> second.admit(rotated.byKey("a2").orElseThrow())).isInstanceOf(Admission.Refused.class)
        .hasMessageContaining("over its quota");
    // a new rate is a new bucket, full at the new rate
    Tenants raised = tenants("tenants:\n  - {id: a, rate_per_second: 3, key_sha256: [" + Tenants.sha256("a") + "]}\n");
    Admission third = new Admission(raised, second);
    Tenant a3 = raised.byKey("a").orElseThrow();
    for (int i = 0; i < 3; i++) {
      third.admit(a3).close();
    }
    assertThatThrownBy(() -> third.admit(a3)).isInstanceOf(Admission.Refused.class);
  }

  @Test
  void keysAreHashesAndATenantFileWithMistakesIsRefused() throws Exception {
    assertThat(tenants("tenants:\n  - {id: a, rate_per_second: 1, key_sha256: [" + Tenants.sha256("k") + "]}\n").byKey("k")).isPresent();
    assertThatThrownBy(() -> tenants("tenants:\n  - {id: a, rate_per_second: 1, key_sha256: [plain-key]}\n"))
        .hasMessageContaining("not 64 hex digits");
    String h = Tenants.sha256("shared");
    assertThatThrownBy(() -> tenants("tenants:\n  - {id: a, rate_per_second: 1, key_sha256: [" + h + "]}\n"
        + "  - {id: b, rate_per_second: 1, key_sha256: [" + h + "]}\n")).hasMessageContaining("share a key");
    assertThatThrownBy(() -> tenants("tenants:\n  - {id: a, key_sha256: [" + h + "]}\n")).hasMessageContaining("rate_per_second");
  }
}
