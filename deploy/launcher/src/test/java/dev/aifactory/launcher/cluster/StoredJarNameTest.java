package dev.aifactory.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A jar is stored under a name that changes with its content: a new build is uploaded, the same one reused. */
class StoredJarNameTest {

  @Test
  void theStoredNameFollowsTheJarsContent(@TempDir Path dir) throws Exception {
    Path jar = Files.write(dir.resolve("ingest-job-0.1.0-SNAPSHOT-job.jar"), new byte[] {1, 2, 3});
    String first = FlinkRestClient.storedName(jar);
    assertThat(first).startsWith("ingest-job-0.1.0-SNAPSHOT-job-").endsWith(".jar");
    assertThat(FlinkRestClient.storedName(jar)).isEqualTo(first);
    Files.write(jar, new byte[] {1, 2, 4});
    assertThat(FlinkRestClient.storedName(jar)).isNotEqualTo(first);
  }
}
