package dev.aifactory.serving.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuSharesTest {

  @Test
  void theIntervalsCpuIsSplitByRequestsPerTenantAndModelAndAddsUp() {
    CpuShares shares = new CpuShares();
    for (int i = 0; i < 6; i++) {
      shares.requested("checkout", "fraud:1");
    }
    shares.requested("checkout", "fraud:2");
    shares.requested("checkout", null); // a feature read
    shares.requested("reports", null);
    shares.requested(null, null); // no valid key

    List<CpuShares.Share> split = shares.split(1.0, "platform");

    assertThat(split).containsExactlyInAnyOrder(new CpuShares.Share("checkout", "fraud:1", 0.6),
        new CpuShares.Share("checkout", "fraud:2", 0.1), new CpuShares.Share("checkout", null, 0.1),
        new CpuShares.Share("reports", null, 0.1), new CpuShares.Share("platform", null, 0.1));
    assertThat(split.stream().mapToDouble(CpuShares.Share::cores).sum()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void anIntervalWithoutRequestsBelongsToTheTeamThatRunsTheService() {
    assertThat(new CpuShares().split(0.25, "platform")).containsExactly(new CpuShares.Share("platform", null, 0.25));
  }
}
