package dev.aifactory.launcher;

import dev.aifactory.schemas.tokens.Keyring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The token keyring of a local stack or demo. The ingest job reads its keyring from
 * {@code governance.tokens.keyring} and never creates one (a key made on one TaskManager would
 * differ from another's); on a developer machine the launcher creates the default one once, under
 * {@code .factory/keys}, and hands the job its absolute path. Production mounts its own.
 */
final class LocalKeyring {

  static final String OPTION = "governance.tokens.keyring";
  static final Path DEFAULT = Path.of(".factory", "keys", "tokens.keyring");

  private LocalKeyring() {}

  /**
   * The job options with {@code --governance.tokens.keyring} set to an absolute path: the one
   * the options name, else the local default, created when missing.
   */
  static List<String> withKeyring(List<String> options) {
    return JobOptions.withDefault(options, OPTION, () -> ensure(DEFAULT).toString());
  }

  /** Creates the keyring at {@code file} if it is missing; returns its absolute path. */
  static Path ensure(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    if (!Files.exists(absolute)) {
      Keyring.loadOrCreate(absolute);
      System.err.println("created a token keyring at " + absolute + " (local use; in production mount one from your secret store)");
    }
    return absolute;
  }
}
