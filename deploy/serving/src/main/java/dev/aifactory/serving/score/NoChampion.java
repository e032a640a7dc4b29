package dev.aifactory.serving.score;

/** No champion is loaded yet: the registry has none, or its file did not load. */
public final class NoChampion extends Exception {
  public NoChampion(String modelName) {
    super("no champion of model " + modelName + " is loaded");
  }
}
