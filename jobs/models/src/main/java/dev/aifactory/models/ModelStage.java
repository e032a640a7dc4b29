package dev.aifactory.models;

/** Where a model version is in its life. Only the champion decides; a challenger scores in shadow. */
public enum ModelStage {
  CANDIDATE,
  CHAMPION,
  CHALLENGER,
  RETIRED
}
