package dev.aifactory.launcher;

import dev.aifactory.serving.ServingMain;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Runs the serving API in this process until it is stopped (README: Serving API). */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the serving API (online feature lookups, synchronous scoring). Options are --key value pairs"
        + " (see serving-defaults.properties); --serving.tenants.file is required. The local keyring is used unless"
        + " --governance.tokens.keyring names another.")
final class ServeCommand implements Callable<Integer> {

  @Parameters(arity = "0..*", description = "Service options, for example --online.store redis.")
  List<String> options = List.of();

  @Override
  public Integer call() throws Exception {
    ServingMain.main(LocalKeyring.withKeyring(JobOptions.withEnvironment(options, System.getenv())).toArray(String[]::new));
    return 0;
  }
}
