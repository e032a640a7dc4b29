package dev.aifactory.serving.tenant;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the tenants file when it changes (a rotated or revoked key, a new rate), checked every
 * {@code interval}: on Kubernetes the Secret's mounted file is replaced in place. A file that
 * does not load is logged and the tenants in force stay.
 */
public final class TenantsFileWatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TenantsFileWatch.class);

  private final Path file;
  private final Consumer<Tenants> apply;
  private final ScheduledExecutorService timer;
  private String seen;

  public TenantsFileWatch(Path file, Duration interval, Consumer<Tenants> apply) {
    this.file = file;
    this.apply = apply;
    this.seen = stamp();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tenants-file-watch");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void check() {
    String now = stamp();
    if (now.equals(seen)) {
      return;
    }
    try {
      Tenants tenants = Tenants.load(file);
      apply.accept(tenants);
      seen = now;
      LOG.info("tenants reloaded from {}: {} tenants", file, tenants.all().size());
    } catch (Exception e) {
      LOG.error("the changed tenants file {} does not load, keeping the tenants in force: {}", file, e.toString());
      seen = now;
    }
  }

  /** What identifies a version of the file: its modification time, size and content hash. */
  private String stamp() {
    try {
      byte[] bytes = Files.readAllBytes(file);
      return Files.getLastModifiedTime(file) + "/" + bytes.length + "/" + java.util.Arrays.hashCode(bytes);
    } catch (java.io.IOException e) {
      return "unreadable";
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
