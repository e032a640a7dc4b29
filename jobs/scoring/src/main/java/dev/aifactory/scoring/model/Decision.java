package dev.aifactory.scoring.model;

/** What the champion's score means for the payment, by the job's thresholds. */
public enum Decision {
  APPROVE,
  REVIEW,
  DECLINE;

  public static Decision of(double score, double reviewAt, double declineAt) {
    return score >= declineAt ? DECLINE : score >= reviewAt ? REVIEW : APPROVE;
  }
}
