package dev.aifactory.training.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Where a run ran, and the code it ran: what a reproduction needs to know. */
public final class Environment {

  private Environment() {}

  public static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("jvm_vendor", System.getProperty("java.vendor"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    m.put("cpu_cores", Runtime.getRuntime().availableProcessors());
    m.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    m.put("accelerator", accelerator());
    return m;
  }

  /** The GPUs {@code nvidia-smi -L} lists, or "none": training itself runs on CPU either way. */
  static String accelerator() {
    if (!Files.exists(Path.of("/dev/nvidiactl"))) {
      return "none";
    }
    String listed = run("nvidia-smi", "-L");
    return listed == null || listed.isBlank() ? "none" : listed.strip();
  }

  /**
   * The code version: {@code AIFACTORY_GIT_SHA} when a build system sets it, else the checkout's
   * HEAD (with "-dirty" when it has uncommitted changes), else "unknown".
   */
  public static String codeVersion() {
    String fromEnv = System.getenv("AIFACTORY_GIT_SHA");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    String head = run("git", "rev-parse", "HEAD");
    if (head == null || head.isBlank()) {
      return "unknown";
    }
    String status = run("git", "status", "--porcelain", "--untracked-files=no");
    return head.strip() + (status != null && !status.isBlank() ? "-dirty" : "");
  }

  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return null;
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
