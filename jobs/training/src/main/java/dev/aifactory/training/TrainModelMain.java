package dev.aifactory.training;

import dev.aifactory.common.JobConfig;

/** {@code factory train}: trains, registers, and optionally promotes one model version. */
public final class TrainModelMain {

  private TrainModelMain() {}

  public static void main(String[] args) throws Exception {
    TrainingRun.Result result = TrainingRun.run(JobConfig.load("training-defaults.properties", args));
    System.out.println("registered " + result.model().label() + " in " + result.directory());
    System.out.println("validation " + result.record().metrics());
    result.changes().forEach(c -> System.out.println("stage " + c.label() + " -> " + c.stage()));
  }
}
