package dev.aifactory.training.data;

/**
 * Labelled feature vectors in event-time order: {@code features[i]} are raw values in the
 * model's feature order (NaN where the entity had none), {@code fraud[i]} the label.
 */
public record Examples(String[] eventIds, long[] eventTimes, double[][] features, boolean[] fraud) {

  public int size() {
    return fraud.length;
  }

  public int width() {
    return features.length == 0 ? 0 : features[0].length;
  }

  public int positives() {
    int n = 0;
    for (boolean f : fraud) {
      n += f ? 1 : 0;
    }
    return n;
  }

  /** Rows {@code [from, to)}. */
  public Examples slice(int from, int to) {
    return new Examples(java.util.Arrays.copyOfRange(eventIds, from, to), java.util.Arrays.copyOfRange(eventTimes, from, to),
        java.util.Arrays.copyOfRange(features, from, to), java.util.Arrays.copyOfRange(fraud, from, to));
  }

  /**
   * A time-based split: everything before the event time at {@code trainShare} of the rows trains,
   * the rest validates, so validation only ever sees the future of what training saw.
   */
  public Split splitByTime(double trainShare) {
    int cut = (int) Math.round(size() * trainShare);
    while (cut > 0 && cut < size() && eventTimes[cut] == eventTimes[cut - 1]) {
      cut++;
    }
    return new Split(slice(0, cut), slice(cut, size()), cut < size() ? eventTimes[cut] : Long.MAX_VALUE);
  }

  public record Split(Examples train, Examples validation, long validationFromMillis) {}
}
