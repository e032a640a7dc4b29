package dev.aifactory.models;

import java.io.Serializable;

/** One registered model version: where its ONNX file is, its checksum, stage and signature. */
public record ModelVersion(
    String name,
    int version,
    ModelStage stage,
    String uri,
    String sha256,
    ModelSignature signature) implements Serializable {

  public ModelVersion withStage(ModelStage next) {
    return new ModelVersion(name, version, next, uri, sha256, signature);
  }

  /** {@code name:version}, the form logs, audit rows and usage records carry. */
  public String label() {
    return name + ":" + version;
  }
}
