package dev.aifactory.features.source;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.features.model.FeatureInput;

/** What a feature source emits for each record it reads: the view's input, or why it could not be read. */
public class SourceRecord {
  public FeatureInput input;
  public DeadLetter unreadable;

  public SourceRecord() {}

  public static SourceRecord of(FeatureInput input) {
    SourceRecord r = new SourceRecord();
    r.input = input;
    return r;
  }

  public static SourceRecord unreadable(DeadLetter why) {
    SourceRecord r = new SourceRecord();
    r.unreadable = why;
    return r;
  }
}
