package dev.aifactory.models.runtime;

/**
 * The provider a session actually runs on, and why: a CUDA request on a machine or build without
 * CUDA falls back to CPU, and the reason says so.
 */
public record ProviderChoice(ExecutionProvider requested, ExecutionProvider running, String reason) {

  public boolean fellBack() {
    return requested != running;
  }

  /** The one log line a session's start writes. */
  public String logLine(String model) {
    return fellBack()
        ? "ONNX Runtime provider for " + model + ": " + running + " (requested " + requested + ", fell back: " + reason + ")"
        : "ONNX Runtime provider for " + model + ": " + running + " (" + reason + ")";
  }
}
