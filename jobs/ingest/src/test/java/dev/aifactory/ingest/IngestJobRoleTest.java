package dev.aifactory.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aifactory.common.JobConfig;
import dev.aifactory.common.policy.PolicyDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest job checks its role against the policy before it builds anything. */
class IngestJobRoleTest {

  @Test
  void aRoleThePolicyKeepsOutOfRawDataCannotStartIngest() {
    JobConfig config = JobConfig.load("ingest-defaults.properties", "--governance.role", "analyst");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    assertThatThrownBy(() -> IngestJobMain.define(env, config)).isInstanceOf(PolicyDeniedException.class)
        .hasMessageContaining("rule 'restricted-zones-are-for-ingest-and-privacy'").hasMessageContaining("zone 'raw'");
  }

  @Test
  void aDeploymentsOwnPolicyFileIsTheOneEnforced(@TempDir Path dir) throws Exception {
    Path policy = Files.writeString(dir.resolve("policy.yaml"), """
        version: 42
        rules:
          - {id: nobody-reads-raw, effect: forbid, roles: ["*"], zones: [raw]}
        """);
    JobConfig config = JobConfig.load("ingest-defaults.properties", "--governance.policy.file", policy.toString());
    assertThatThrownBy(() -> IngestJobMain.define(StreamExecutionEnvironment.getExecutionEnvironment(), config))
        .hasMessageContaining("policy v42 rule 'nobody-reads-raw'");
    assertThat(config.get("governance.role", "ingest")).isEqualTo("ingest");
  }
}
