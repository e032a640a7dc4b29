package dev.aifactory.ingest.dq;

import dev.aifactory.ingest.IngestSettings;
import dev.aifactory.ingest.model.DqWindow;
import dev.aifactory.ingest.quality.RuleSpec;
import java.util.List;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Emits one dq row per declared rule for each closed window, zero-violation rules included. */
public final class DqRowsPerRule extends ProcessWindowFunction<long[], DqWindow, String, TimeWindow> {

  private final IngestSettings settings;

  public DqRowsPerRule(IngestSettings settings) {
    this.settings = settings;
  }

  @Override
  public void process(String domain, Context ctx, Iterable<long[]> counts, Collector<DqWindow> out) {
    long[] acc = counts.iterator().next();
    List<RuleSpec> rules = settings.domain(domain).rules();
    for (int i = 0; i < rules.size(); i++) {
      out.collect(new DqWindow(domain, rules.get(i).name(), ctx.window().getStart(), ctx.window().getEnd(), acc[0], 1 + i < acc.length ? acc[1 + i] : 0));
    }
  }
}
