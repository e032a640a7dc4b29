package dev.aifactory.models.runtime;

import dev.aifactory.models.Checksums;
import dev.aifactory.models.ModelVersion;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a registered model file and checks it is the file the registry describes. */
public final class ModelFiles {

  private ModelFiles() {}

  public static Path path(String uri) {
    return uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
  }

  /**
   * The file's bytes, only if their SHA-256 is the registered one. The session is built from
   * these same bytes, so what was checked is what runs.
   */
  public static byte[] readVerified(ModelVersion model) throws ModelLoadException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path(model.uri()));
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException("cannot read " + model.label() + " from " + model.uri() + ": " + e.getMessage(), e);
    }
    String actual = Checksums.sha256(bytes);
    if (!actual.equalsIgnoreCase(model.sha256())) {
      throw new ModelLoadException("checksum mismatch for " + model.label() + " at " + model.uri()
          + ": registry says " + model.sha256() + ", file is " + actual);
    }
    return bytes;
  }
}
