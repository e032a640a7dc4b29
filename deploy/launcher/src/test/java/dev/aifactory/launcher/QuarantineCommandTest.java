package dev.aifactory.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The replay itself is tested against Kafka and Iceberg in the ingest module (QuarantineReplayTest). */
class QuarantineCommandTest {

  @Test
  void replayTakesAReasonAndATimeRange() {
    CommandLine cli = new CommandLine(new Factory()).setUnmatchedOptionsArePositionalParams(true);
    var parsed = cli.parseArgs("quarantine", "replay", "--reason", "REGISTRY_UNAVAILABLE", "--from", "2026-12-01T00:00:00Z",
        "--to", "2026-12-02T00:00:00Z", "--bootstrap", "kafka:9092");
    QuarantineCommand.Replay replay = parsed.subcommand().subcommand().commandSpec().commandLine().getCommand();
    assertThat(replay.reason).isEqualTo("REGISTRY_UNAVAILABLE");
    assertThat(replay.from).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(replay.to).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
    assertThat(replay.bootstrap).isEqualTo("kafka:9092");
  }
}
