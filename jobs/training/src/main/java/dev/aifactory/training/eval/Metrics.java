package dev.aifactory.training.eval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Ranking metrics on a validation slice. Ties are handled exactly: AUC-ROC counts a tie as half
 * a correct pair (the Mann-Whitney statistic), and average precision steps once per distinct
 * score.
 */
public record Metrics(int rows, int positives, double aucRoc, double aucPr, double reviewRate, double precisionAtReviewRate) {

  public static Metrics of(double[] scores, boolean[] fraud, double reviewRate) {
    int n = scores.length;
    Integer[] byScore = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(byScore, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
    int positives = 0;
    for (boolean f : fraud) {
      positives += f ? 1 : 0;
    }
    return new Metrics(n, positives, aucRoc(scores, fraud, byScore, positives), averagePrecision(scores, fraud, byScore, positives),
        reviewRate, precisionAtTop(fraud, byScore, reviewRate));
  }

  private static double aucRoc(double[] scores, boolean[] fraud, Integer[] desc, int positives) {
    int negatives = desc.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    // Walk from the lowest score up, in groups of equal scores.
    double correct = 0;
    long negativesBelow = 0;
    int i = desc.length - 1;
    while (i >= 0) {
      int j = i;
      long pos = 0;
      long neg = 0;
      while (j >= 0 && scores[desc[j]] == scores[desc[i]]) {
        if (fraud[desc[j]]) {
          pos++;
        } else {
          neg++;
        }
        j--;
      }
      correct += pos * (negativesBelow + neg / 2.0);
      negativesBelow += neg;
      i = j;
    }
    return correct / ((double) positives * negatives);
  }

  private static double averagePrecision(double[] scores, boolean[] fraud, Integer[] desc, int positives) {
    if (positives == 0) {
      return Double.NaN;
    }
    double ap = 0;
    int seen = 0;
    int hits = 0;
    int i = 0;
    while (i < desc.length) {
      int j = i;
      int groupHits = 0;
      while (j < desc.length && scores[desc[j]] == scores[desc[i]]) {
        groupHits += fraud[desc[j]] ? 1 : 0;
        j++;
      }
      seen += j - i;
      hits += groupHits;
      ap += (double) groupHits / positives * ((double) hits / seen);
      i = j;
    }
    return ap;
  }

  /** Precision among the top {@code rate} share of rows by score: what a review team with that capacity would see. */
  private static double precisionAtTop(boolean[] fraud, Integer[] desc, double rate) {
    int k = Math.max(1, (int) Math.ceil(desc.length * rate));
    int hits = 0;
    for (int i = 0; i < k && i < desc.length; i++) {
      hits += fraud[desc[i]] ? 1 : 0;
    }
    return (double) hits / Math.min(k, desc.length);
  }

  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", rows);
    m.put("positives", positives);
    m.put("auc_roc", aucRoc);
    m.put("auc_pr", aucPr);
    m.put("review_rate", reviewRate);
    m.put("precision_at_review_rate", precisionAtReviewRate);
    return m;
  }
}
