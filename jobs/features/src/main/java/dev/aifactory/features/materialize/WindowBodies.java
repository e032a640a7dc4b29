package dev.aifactory.features.materialize;

import dev.aifactory.features.aggregate.Slice;

/**
 * Per window, the body of the newest hop: its whole tiles merged once, so events in the same hop
 * read one merged value instead of every tile. {@code epochs[i]} is the hop start the body ends
 * at ({@code Long.MIN_VALUE}: none yet). A Flink POJO.
 */
public class WindowBodies {
  public long[] epochs;
  public Slice[] merged;

  public WindowBodies() {}

  static WindowBodies empty(int windows) {
    WindowBodies b = new WindowBodies();
    b.epochs = new long[windows];
    java.util.Arrays.fill(b.epochs, Long.MIN_VALUE);
    b.merged = new Slice[windows];
    return b;
  }
}
