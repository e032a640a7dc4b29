package dev.aifactory.schemas.wire;

/** A message that cannot be decoded, with a reason code fit for a quarantine table. */
public final class UndecodableException extends Exception {

  private final UndecodableReason reason;

  public UndecodableException(UndecodableReason reason, String detail) {
    super(reason + ": " + detail);
    this.reason = reason;
  }

  public UndecodableException(UndecodableReason reason, String detail, Throwable cause) {
    super(reason + ": " + detail, cause);
    this.reason = reason;
  }

  public UndecodableReason reason() {
    return reason;
  }
}
