package dev.aifactory.ingest.decode;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.ingest.model.Accepted;
import dev.aifactory.ingest.model.Decoded;
import dev.aifactory.ingest.model.Parked;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decoded records go on; undecodable ones leave through the {@link #UNDECODABLE} side output, and
 * those waiting for the schema registry through {@link #PARKED}.
 */
public final class SplitUndecodable extends ProcessFunction<Decoded, Accepted> {

  public static final OutputTag<DeadLetter> UNDECODABLE = new OutputTag<>("undecodable") {};
  public static final OutputTag<Parked> PARKED = new OutputTag<>("parked") {};

  @Override
  public void processElement(Decoded record, Context ctx, Collector<Accepted> out) {
    if (record.accepted != null) {
      out.collect(record.accepted);
    } else if (record.parked != null) {
      ctx.output(PARKED, record.parked);
    } else {
      ctx.output(UNDECODABLE, record.undecodable);
    }
  }
}
