package dev.aifactory.ingest.model;

/** Quality results of one domain and rule over one ingest-time window (when the records were checked): a row of the dq table. */
public class DqWindow {
  public String domain;
  public String rule;
  public long windowStart;
  public long windowEnd;
  public long records;
  public long violations;

  public DqWindow() {}

  public DqWindow(String domain, String rule, long windowStart, long windowEnd, long records, long violations) {
    this.domain = domain;
    this.rule = rule;
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.records = records;
    this.violations = violations;
  }

  public double violationRate() {
    return records == 0 ? 0.0 : (double) violations / records;
  }
}
