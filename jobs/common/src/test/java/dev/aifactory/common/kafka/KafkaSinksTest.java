package dev.aifactory.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.common.JobConfig;
import java.util.Map;
import java.util.Set;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

class KafkaSinksTest {

  @Test
  void everySinkOfEveryJobOfEveryDeploymentHasItsOwnTransactionalIds() {
    var prod = KafkaSinks.Target.of(JobConfig.of(Map.of("factory.deployment", "prod-eu")), "kafka:9092",
        DeliveryGuarantee.EXACTLY_ONCE, "factory-scoring-fraud");
    var staging = KafkaSinks.Target.of(JobConfig.of(Map.of("factory.deployment", "staging")), "kafka:9092",
        DeliveryGuarantee.EXACTLY_ONCE, "factory-scoring-fraud");
    Set<String> prefixes = Set.of(prod.transactionalIdPrefix("scores"), prod.transactionalIdPrefix("usage"),
        staging.transactionalIdPrefix("scores"), staging.transactionalIdPrefix("usage"));
    assertThat(prefixes).hasSize(4).contains("prod-eu.factory-scoring-fraud.scores");
  }

  @Test
  void aPrefixHoldsOnlyCharactersATransactionalIdMay() {
    var target = KafkaSinks.Target.of(JobConfig.of(Map.of()), "kafka:9092", DeliveryGuarantee.EXACTLY_ONCE, "ingest job");
    assertThat(target.transactionalIdPrefix("silver/topic")).isEqualTo("factory.ingest_job.silver_topic");
  }
}
