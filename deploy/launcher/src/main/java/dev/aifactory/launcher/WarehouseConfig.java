package dev.aifactory.launcher;

import dev.aifactory.common.JobConfig;
import java.util.ArrayList;
import java.util.List;

/** A job's configuration for a command that works on a warehouse: the job's defaults, the warehouse, then the user's options. */
final class WarehouseConfig {

  private WarehouseConfig() {}

  static JobConfig load(String defaultsResource, String warehouse, List<String> options) {
    List<String> args = new ArrayList<>(List.of("--iceberg.catalog.warehouse", warehouse));
    args.addAll(options);
    return JobConfig.load(defaultsResource, args.toArray(String[]::new));
  }
}
