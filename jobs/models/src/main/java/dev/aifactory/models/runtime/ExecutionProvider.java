package dev.aifactory.models.runtime;

import java.util.Locale;

/** Where ONNX Runtime runs a model. */
public enum ExecutionProvider {
  CPU,
  CUDA;

  public static ExecutionProvider parse(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }
}
