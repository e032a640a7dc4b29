package dev.aifactory.ingest.maintenance;

import dev.aifactory.common.JobConfig;
import java.io.Serializable;
import java.time.Duration;

/**
 * Table maintenance of the ingest job's tables, off unless {@code ingest.maintenance.enabled}.
 * Streaming commits every checkpoint make many small files and snapshots; compaction rewrites
 * them to the target size once enough new files have landed, and snapshot expiry bounds the
 * metadata.
 */
public record MaintenanceSettings(
    boolean enabled,
    int compactAfterDataFiles,
    long targetFileSizeBytes,
    int expireAfterCommits,
    Duration maxSnapshotAge,
    int retainLastSnapshots,
    Duration rateLimit) implements Serializable {

  public static MaintenanceSettings from(JobConfig config) {
    return new MaintenanceSettings(
        config.getBoolean("ingest.maintenance.enabled", false),
        config.getInt("ingest.maintenance.compact.after-data-files", 50),
        config.getLong("ingest.maintenance.compact.target-file-size-bytes", 128L * 1024 * 1024),
        config.getInt("ingest.maintenance.expire.after-commits", 10),
        config.getDuration("ingest.maintenance.expire.max-snapshot-age", Duration.ofDays(1)),
        config.getInt("ingest.maintenance.expire.retain-last", 20),
        config.getDuration("ingest.maintenance.rate-limit", Duration.ofMinutes(1)));
  }
}
