package dev.aifactory.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code factory} command: one entry point for the local stack, the generator and the jobs. */
@Command(name = "factory", mixinStandardHelpOptions = true, version = "AI Factory 0.1.0",
    description = "Stateful Flink jobs that turn raw events into governed features, scores and costs.",
    subcommands = {DemoCommand.class, GenerateCommand.class, RunCommand.class, TrainingSetCommand.class,
        TrainCommand.class, ConsistencyCommand.class, FeatureSqlCommand.class, TelemetryCommand.class,
        SubmitCommand.class, StopCommand.class, SqlCommand.class, SavepointCommand.class, QuarantineCommand.class, TablesCommand.class,
        KeysCommand.class, EraseCommand.class, InventoryCommand.class, LineageCommand.class, ServeCommand.class,
        ReviewCommand.class})
public final class Factory implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    // Job options are free --key value pairs handed to the job's configuration (run, training-set,
    // consistency), not options picocli knows.
    System.exit(new CommandLine(new Factory()).setUnmatchedOptionsArePositionalParams(true).execute(args));
  }
}
