package dev.aifactory.ingest.model;

/**
 * Records one domain took in (bronze) in one wall-clock window: the ingest job's metering for
 * the cost job.
 */
public class IngestMetering {
  public String domain;
  public long windowStart;
  public long windowEnd;
  public long records;
  /** The window's records metered so far, these included: unique per emission, so it names it. */
  public long total;

  public IngestMetering() {}

  public IngestMetering(String domain, long windowStart, long windowEnd, long records, long total) {
    this.domain = domain;
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.records = records;
    this.total = total;
  }
}
