package dev.aifactory.serving.lookup;

/** The online store did not answer within its timeout, or cannot yet tell a missing entity from one not loaded. */
public final class StoreUnavailable extends Exception {
  public StoreUnavailable(RuntimeException cause) {
    super("the online store did not answer: " + cause.getMessage(), cause);
  }

  /** The store answers but is still loading: a miss would not mean the entity has no vector. */
  public StoreUnavailable(String why) {
    super(why);
  }
}
