package dev.aifactory.savepoints.layouts;

import dev.aifactory.cost.model.UsageRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Writes the savepoint of the cost job's current state layout into
 * savepoints/layouts/cost/&lt;version&gt;/: run it when a release changes a state type, and commit
 * the folder, so every later build is tested against it (CostStateLayoutTest).
 * <pre>savepoints/write-layout.sh v3</pre>
 */
public final class WriteCostLayout {

  private WriteCostLayout() {}

  public static void main(String[] args) throws Exception {
    Path target = Path.of(args.length > 0 ? args[0] : "layouts/cost/v1").toAbsolutePath();
    if (!target.toString().contains("layouts")) {
      target = Path.of("layouts/cost").resolve(args[0]).toAbsolutePath();
    }
    if (Files.exists(target)) {
      try (Stream<Path> old = Files.walk(target)) {
        old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
    env.setParallelism(1);
    // An unbounded source: the first half hour of samples, then nothing (empty records), so the
    // job is still running, its hour window open, when the savepoint is taken.
    DataGeneratorSource<UsageRecord> source = new DataGeneratorSource<>(
        i -> i < CostLayoutFixture.BEFORE ? CostLayoutFixture.sample((int) (long) i) : new UsageRecord(),
        Long.MAX_VALUE, RateLimiterStrategy.perSecond(500), TypeInformation.of(UsageRecord.class));
    var windows = CostLayoutFixture.build(env,
        env.fromSource(source, CostLayoutFixture.WATERMARKS, "usage").uid("layout-usage"));
    JobClient job = env.executeAsync("cost layout writer");
    int closed = 0;
    while (closed < CostLayoutFixture.BEFORE / 6 - 1) { // the closed one-minute windows of the half hour
      windows.next();
      closed++;
    }
    Thread.sleep(2_000);
    String savepoint = job.stopWithSavepoint(false, target.getParent().resolve("tmp-" + target.getFileName()).toUri().toString(),
        SavepointFormatType.CANONICAL).get();
    Path written = Path.of(java.net.URI.create(savepoint));
    Files.move(written, target);
    Files.deleteIfExists(target.getParent().resolve("tmp-" + target.getFileName()));
    System.out.println("wrote " + target);
    System.exit(0);
  }
}
