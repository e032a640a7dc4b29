package dev.aifactory.launcher;

import dev.aifactory.schemas.tokens.Keyring;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Creates or rotates the token keyring that pseudonymises classified fields (README: Governance). */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Token keyring: 'init' creates one if missing, 'rotate' adds a key and makes it active, 'show' lists key ids.")
final class KeysCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "init, rotate or show")
  String action;

  @Option(names = "--keyring", description = "The keyring file (default: ${DEFAULT-VALUE}).", defaultValue = ".factory/keys/tokens.keyring")
  Path keyring;

  @Override
  public Integer call() {
    switch (action) {
      case "init" -> System.out.println(LocalKeyring.ensure(keyring));
      case "rotate" -> {
        Keyring rotated = Keyring.rotate(keyring);
        System.out.println("active key is now " + rotated.activeId() + "; restart ingest to tokenize new data with it."
            + " Keep the retired keys until the data tokenized with them has aged out (README: Governance, key rotation).");
      }
      case "show" -> {
        Keyring ring = Keyring.load(keyring);
        System.out.println("active=" + ring.activeId() + " keys=" + String.join(",", ring.ids()));
      }
      default -> {
        System.err.println("unknown action '" + action + "'; known: init, rotate, show");
        return 2;
      }
    }
    return 0;
  }
}
