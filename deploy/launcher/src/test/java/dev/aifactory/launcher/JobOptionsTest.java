package dev.aifactory.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobOptionsTest {

  @Test
  void aSubmittedJobWritesItsLineageWhereTheLineageCommandReads() {
    String expected = java.nio.file.Path.of(".factory/lineage/events.jsonl").toAbsolutePath().normalize().toString();
    assertThat(JobOptions.withLineageFile(List.of(), Map.of())).containsExactly("--lineage.transport.location", expected);
    assertThat(JobOptions.withLineageFile(List.of(), Map.of("FACTORY_LINEAGE_EVENTS", "elsewhere/events.jsonl")))
        .containsExactly("--lineage.transport.location", java.nio.file.Path.of("elsewhere/events.jsonl").toAbsolutePath().toString());
    assertThat(JobOptions.withLineageFile(List.of("--lineage.transport.type", "kafka"), Map.of()))
        .as("another transport needs no file").containsExactly("--lineage.transport.type", "kafka");
  }

  @Test
  void theEnvironmentPointsASubmittedJobAtTheStackUnlessTheUserNamedIt() {
    Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9093", "FACTORY_WAREHOUSE", "s3://lake/warehouse");
    assertThat(JobOptions.withEnvironment(List.of("--ingest.starting-offsets", "earliest"), env))
        .containsSubsequence("--ingest.starting-offsets", "earliest")
        .containsSubsequence("--kafka.bootstrap.servers", "kafka:9093")
        .containsSubsequence("--iceberg.catalog.warehouse", "s3://lake/warehouse");
    assertThat(JobOptions.withEnvironment(List.of("--kafka.bootstrap.servers=mine:9092"), env))
        .doesNotContain("kafka:9093").contains("--kafka.bootstrap.servers=mine:9092", "s3://lake/warehouse");
    assertThat(JobOptions.withEnvironment(List.of("--config", "prod.properties"), env))
        .as("a properties file of the user's may set them").containsExactly("--config", "prod.properties");
    assertThat(JobOptions.withEnvironment(List.of(), Map.of("FACTORY_WAREHOUSE", " "))).isEmpty();
  }
}
