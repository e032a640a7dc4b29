package dev.aifactory.benchmarks.faults;

/**
 * One failure of the fault matrix, done to a running drill: {@link #inject} causes it and
 * returns once the failed component is back (the moment catch-up is timed from).
 */
interface Fault {

  /** The key in faults.json. */
  String name();

  /** A few words for the plot. */
  String label();

  /** What is done, for the report. */
  String description();

  /** Why this fault cannot run here, or null when it can (checked before the drill starts). */
  default String unavailableReason(Drill drill) {
    return null;
  }

  void inject(Drill drill) throws Exception;
}
