package dev.aifactory.models.runtime;

/** A model file that must not be used: wrong checksum, unexpected inputs, or unreadable by ONNX Runtime. */
public class ModelLoadException extends Exception {
  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
