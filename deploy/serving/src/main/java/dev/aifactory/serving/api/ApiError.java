package dev.aifactory.serving.api;

/**
 * A request the API refuses, with its HTTP status, a message that says what is wrong and, for a
 * bad field, the field's name. Written as {@code {"error": ..., "field": ...}}.
 */
public final class ApiError extends RuntimeException {

  private final int status;
  private final String field;

  public ApiError(int status, String field, String message) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
  }

  public static ApiError badField(String field, String message) {
    return new ApiError(400, field, field + ": " + message);
  }

  public int status() {
    return status;
  }

  /** The failing field, or null. */
  public String field() {
    return field;
  }
}
