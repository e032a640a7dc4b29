package dev.aifactory.benchmarks.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A volume of its own (a tmpfs) under the cluster's checkpoint folder, so that a drill can fill
 * it without filling the machine's disk. Mounting needs root; where it fails, the disk-full drill
 * says why it did not run.
 */
final class CheckpointVolume implements AutoCloseable {

  private final Path path;
  private final String unavailableReason;

  private CheckpointVolume(Path path, String unavailableReason) {
    this.path = path;
    this.unavailableReason = unavailableReason;
  }

  /** Mounts a tmpfs of {@code sizeMb} on {@code path} (created if missing; must be empty). */
  static CheckpointVolume mount(Path path, int sizeMb) throws IOException, InterruptedException {
    Files.createDirectories(path);
    String failure = run("mount", "-t", "tmpfs", "-o", "size=" + sizeMb + "m", "tmpfs", path.toString());
    return new CheckpointVolume(path, failure == null ? null : "cannot mount a tmpfs for the checkpoints: " + failure);
  }

  Path path() {
    return path;
  }

  String unavailableReason() {
    return unavailableReason;
  }

  /** Unmounts once the cluster is down (lazily, should a process still hold a file there). */
  @Override
  public void close() throws IOException, InterruptedException {
    if (unavailableReason == null) {
      run("umount", "-l", path.toString());
    }
  }

  /** Null on success, else the command's output. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return String.join(" ", command) + " did not finish";
    }
    String output = new String(process.getInputStream().readAllBytes()).strip();
    return process.exitValue() == 0 ? null : output.isEmpty() ? "exit " + process.exitValue() : output;
  }
}
