package dev.aifactory.features.online;

import dev.aifactory.common.JobConfig;
import java.io.Serializable;
import java.time.Duration;

/**
 * How to reach the Redis online store. {@code uri} is {@code redis://host:port} (a password, if
 * any, comes from the file named by {@code online.redis.password-file}, never from the command
 * line). Every call waits at most {@code timeout}, so no writer or reader blocks indefinitely.
 * Tombstone markers live {@code tombstoneTtl} (the view's TTL), long enough to outlast any replay.
 */
public record RedisSettings(String uri, String password, Duration timeout, Duration tombstoneTtl) implements Serializable {

  /** From {@code online.redis.*}; null when {@code online.store} is not {@code redis}. */
  public static RedisSettings from(JobConfig config, Duration tombstoneTtl) throws java.io.IOException {
    if (!"redis".equals(config.get("online.store", "topic"))) {
      return null;
    }
    String passwordFile = config.get("online.redis.password-file", "");
    String password = passwordFile.isBlank() ? null
        : java.nio.file.Files.readString(java.nio.file.Path.of(passwordFile)).strip();
    return new RedisSettings(config.get("online.redis.uri", "redis://localhost:6379"), password,
        Duration.ofMillis(Long.parseLong(config.get("online.redis.timeout-ms", "200"))), tombstoneTtl);
  }
}
