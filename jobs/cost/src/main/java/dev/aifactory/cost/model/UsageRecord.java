package dev.aifactory.cost.model;

import dev.aifactory.common.deadletter.DeadLetter;

/** One record of the usage topic, read: a resource sample, a metering record, or why it could not be used. */
public class UsageRecord {
  public Sample sample;
  public Metering metering;
  public DeadLetter rejected;

  public UsageRecord() {}

  public static UsageRecord of(Sample s) {
    UsageRecord r = new UsageRecord();
    r.sample = s;
    return r;
  }

  public static UsageRecord of(Metering m) {
    UsageRecord r = new UsageRecord();
    r.metering = m;
    return r;
  }

  public static UsageRecord of(DeadLetter why) {
    UsageRecord r = new UsageRecord();
    r.rejected = why;
    return r;
  }

  /** Event time: the sample's or the metering record's; rejected records carry what they had. */
  public long time() {
    return sample != null ? sample.time : metering != null ? metering.time
        : rejected.eventTime == null ? Long.MIN_VALUE : rejected.eventTime;
  }
}
