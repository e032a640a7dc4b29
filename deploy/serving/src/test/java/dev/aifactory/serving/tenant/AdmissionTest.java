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
  void eachTenantHasItsOwnTokenBucket() throws Exception {
    Tenants tenants = tenants("""
        tenants:
          - {id: a, rate_per_second: 2, key_sha256: [%s]}
          - {id: b, rate_per_second: 2, key_sha256: [%s]}
        """.formatted(Tenants.sha256("a"), Tenants.sha256("b")));
    Admission admission = new Admission(tenants);
    Tenant a = tenants.byKey("a").orElseThrow();
    Tenant b = tenants.byKey("b").orElseThrow();
    admission.admit(a).close();
    assertThatThrownBy(() -> admission.admit(a)).isInstanceOf(Admission.Refused.class)
        .hasMessageContaining("over its quota");
    admission.admit(b).close();
    Thread.sleep(600);
    admission.admit(a).close();
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
