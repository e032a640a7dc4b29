package dev.aifactory.savepoints.layouts;

import dev.aifactory.cost.model.Sample;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.util.Collector;

/**
 * Reads the samples the cost job's resource-windows operator holds in keyed state, with the
 * State Processor API and the current {@link Sample} class: what the job itself would restore.
 */
final class SampleStateReader extends KeyedStateReaderFunction<String, Sample> {

  private transient MapState<Long, List<Sample>> buckets;

  @Override
  public void open(OpenContext context) {
    // the descriptor ResourceWindows registers
    buckets = getRuntimeContext().getMapState(
        new MapStateDescriptor<>("samples", Types.LONG, Types.LIST(TypeInformation.of(Sample.class))));
  }

  @Override
  public void readKey(String resource, Context context, Collector<Sample> out) throws Exception {
    for (List<Sample> bucket : buckets.values()) {
      bucket.forEach(out::collect);
    }
  }
}
