package dev.aifactory.models.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Configures the execution provider. ONNX Runtime cannot tell beforehand whether CUDA works
 * ({@code getAvailableProviders()} lists CUDA in the GPU build even without a GPU), so CUDA is
 * tried and a failure falls back to CPU with the reason.
 */
final class Providers {

  private Providers() {}

  static ProviderChoice configure(OrtSession.SessionOptions options, ExecutionProvider requested, int deviceId) {
    if (requested == ExecutionProvider.CPU) {
      return new ProviderChoice(requested, ExecutionProvider.CPU, "configured");
    }
    try {
      options.addCUDA(deviceId);
      return new ProviderChoice(requested, ExecutionProvider.CUDA, "CUDA device " + deviceId);
    } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
      return new ProviderChoice(requested, ExecutionProvider.CPU, "CUDA unavailable: " + e.getMessage());
    }
  }
}
