package dev.aifactory.launcher.inventory;

import java.util.List;

/**
 * One table of the inventory. {@code live} is null in the bundled inventory, which describes
 * what the code creates, not what a deployment holds.
 */
public record Dataset(String table, String zone, String owner, String retention, boolean declared, String note, List<Column> columns,
    Live live) {

  /** A column, its data class ({@code none} if unclassified) and how the zone holds it. */
  public record Column(String name, String type, List<String> classes, String protection) {}

  /** What a running deployment's catalog says: size, freshness and recent history. */
  public record Live(long rows, long dataFiles, String lastCommit, List<SnapshotEntry> recentSnapshots) {}

  public record SnapshotEntry(long id, String committedAt, String operation, String addedRecords) {}
}
