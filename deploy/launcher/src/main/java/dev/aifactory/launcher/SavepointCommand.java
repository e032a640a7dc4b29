package dev.aifactory.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.aifactory.savepoints.SavepointInspector;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Savepoint tooling: what a savepoint holds, before restoring a job from it. */
@Command(name = "savepoint", mixinStandardHelpOptions = true,
    description = "Inspect a savepoint or retained checkpoint: operators, state names and types, sizes.")
final class SavepointCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "inspect")
  String action;

  @Parameters(index = "1", description = "The savepoint folder (or its _metadata file), a path or a file:// / s3:// URI.")
  String path;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!action.equals("inspect")) {
      System.err.println("unknown action '" + action + "'; known: inspect");
      return 2;
    }
    SavepointInspector.Report report = SavepointInspector.inspect(path, Thread.currentThread().getContextClassLoader());
    System.out.print(json ? new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report) + "\n"
        : SavepointInspector.format(report));
    return 0;
  }
}
