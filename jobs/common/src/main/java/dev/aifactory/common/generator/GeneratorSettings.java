package dev.aifactory.common.generator;

/**
 * What the generator produces. Rates are fractions of transactions; the version mix picks the
 * writer schema of each good transaction (v1, v2, the rest v3).
 *
 * @param seed same seed, same data (later issues train on it)
 * @param startMillis event time of the first transaction
 * @param meanGapMillis mean event-time gap between transactions
 * @param cards size of the card population
 * @param merchants size of the merchant population
 * @param fraudRate share of cards compromised at some point
 * @param v1Share share of transactions written with schema v1
 * @param v2Share share written with v2
 * @param duplicateRate share re-sent with the same event id (producer retries)
 * @param lateRate share whose event time lags far behind the stream
 * @param malformedRate share replaced by a bad message (corrupt, unknown schema, bad values)
 * @param labelRate share of genuine transactions that also get a "confirmed genuine" label
 */
public record GeneratorSettings(
    long seed,
    long startMillis,
    long meanGapMillis,
    int cards,
    int merchants,
    double fraudRate,
    double v1Share,
    double v2Share,
    double duplicateRate,
    double lateRate,
    double malformedRate,
    double labelRate) {

  public static GeneratorSettings defaults() {
    return new GeneratorSettings(42L, 1_767_225_600_000L /* 2026-01-01T00:00Z */, 250, 2_000, 300,
        0.02, 0.3, 0.3, 0.02, 0.01, 0.01, 0.05);
  }

  public GeneratorSettings withSeed(long newSeed) {
    return new GeneratorSettings(newSeed, startMillis, meanGapMillis, cards, merchants, fraudRate, v1Share, v2Share,
        duplicateRate, lateRate, malformedRate, labelRate);
  }

  public GeneratorSettings withStart(long newStartMillis) {
    return new GeneratorSettings(seed, newStartMillis, meanGapMillis, cards, merchants, fraudRate, v1Share, v2Share,
        duplicateRate, lateRate, malformedRate, labelRate);
  }

  public GeneratorSettings withRates(double duplicate, double late, double malformed) {
    return new GeneratorSettings(seed, startMillis, meanGapMillis, cards, merchants, fraudRate, v1Share, v2Share,
        duplicate, late, malformed, labelRate);
  }

  public GeneratorSettings withVersionMix(double v1, double v2) {
    return new GeneratorSettings(seed, startMillis, meanGapMillis, cards, merchants, fraudRate, v1, v2,
        duplicateRate, lateRate, malformedRate, labelRate);
  }
}
