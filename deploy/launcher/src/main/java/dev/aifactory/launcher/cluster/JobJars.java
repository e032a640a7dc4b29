package dev.aifactory.launcher.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The factory's jobs as a session cluster runs them: each job's shaded jar (built by its module
 * with the {@code job} classifier) and its main class.
 */
public final class JobJars {

  /** A job that can be submitted. {@code namePrefix} matches the names its main gives the job. */
  public record JobJar(String job, Path jar, String entryClass, String namePrefix) {}

  private static final Map<String, String> MAIN_CLASSES = Map.of(
      "ingest", "dev.aifactory.ingest.IngestJobMain",
      "features", "dev.aifactory.features.FeaturesJobMain",
      "scoring", "dev.aifactory.scoring.ScoringJobMain",
      "cost", "dev.aifactory.cost.CostJobMain");

  private JobJars() {}

  public static boolean known(String job) {
    return MAIN_CLASSES.containsKey(job);
  }

  /** The job's jar under {@code repository}/jobs/&lt;job&gt;/target, or {@code jarOverride} when given. */
  public static JobJar of(String job, Path repository, Path jarOverride) {
    String entryClass = MAIN_CLASSES.get(job);
    if (entryClass == null) {
      throw new IllegalArgumentException("unknown job '" + job + "'; known: " + String.join(", ", MAIN_CLASSES.keySet()));
    }
    Path jar = jarOverride != null ? jarOverride : shadedJar(repository.resolve("jobs").resolve(job).resolve("target"));
    return new JobJar(job, jar, entryClass, "factory-" + job);
  }

  private static Path shadedJar(Path target) {
    try (Stream<Path> files = Files.list(target)) {
      return files.filter(p -> p.getFileName().toString().endsWith("-job.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no shaded job jar in " + target + "; run mvn package first"));
    } catch (IOException e) {
      throw new UncheckedIOException("no build output in " + target + "; run mvn package first", e);
    }
  }
}
