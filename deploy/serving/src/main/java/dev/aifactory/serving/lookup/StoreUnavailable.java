package dev.aifactory.serving.lookup;

/** The online store did not answer within its timeout. */
public final class StoreUnavailable extends Exception {
  public StoreUnavailable(RuntimeException cause) {
    super("the online store did not answer: " + cause.getMessage(), cause);
  }
}
