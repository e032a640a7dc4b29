package dev.aifactory.ingest.model;

/**
 * What the dq windows need of a record: its domain and which rules it broke. Sent instead of the
 * whole record so the shuffle to the window operator moves a few bytes per record.
 */
public class DqSample {
  public String domain;
  public long violationMask;

  public DqSample() {}

  public static DqSample of(Accepted record) {
    DqSample s = new DqSample();
    s.domain = record.domain;
    s.violationMask = record.violationMask;
    return s;
  }
}
