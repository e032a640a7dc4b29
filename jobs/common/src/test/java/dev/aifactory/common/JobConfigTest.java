package dev.aifactory.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {

  @Test
  void durationsAcceptUnitsAndIso8601() {
    assertThat(JobConfig.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(JobConfig.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(JobConfig.parseDuration("10min")).isEqualTo(Duration.ofMinutes(10));
    assertThat(JobConfig.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(JobConfig.parseDuration("PT1H")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> JobConfig.parseDuration("soon")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void argumentsOverrideTheFileWhichOverridesTheDefaults(@TempDir Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("job.properties"), "a=file\nb=file\n");
    JobConfig config = JobConfig.load("test-defaults.properties", "--config", file.toString(), "--b", "arg", "--flag");
    assertThat(config.get("a")).isEqualTo("file");
    assertThat(config.get("b")).isEqualTo("arg");
    assertThat(config.get("c")).isEqualTo("default");
    assertThat(config.getBoolean("flag", false)).isTrue();
    assertThatThrownBy(() -> config.get("missing")).hasMessageContaining("missing");
  }

  @Test
  void prefixesPassSettingsThroughUnchanged() {
    JobConfig config = JobConfig.of(Map.of("iceberg.catalog.type", "rest", "iceberg.catalog.uri", "http://x", "other", "y"));
    assertThat(config.withPrefix("iceberg.catalog.")).containsOnly(Map.entry("type", "rest"), Map.entry("uri", "http://x"));
  }
}
