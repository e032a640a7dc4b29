package dev.aifactory.serving;

import dev.aifactory.common.JobConfig;
import java.util.concurrent.CountDownLatch;

/** Runs the serving API until the process is stopped: {@code --key=value} overrides {@code serving-defaults.properties}. */
public final class ServingMain {

  private ServingMain() {}

  public static void main(String[] args) throws Exception {
    ServingService service = ServingService.start(JobConfig.load("serving-defaults.properties", args));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.close();
      stopped.countDown();
    }, "serving-shutdown"));
    stopped.await();
  }
}
