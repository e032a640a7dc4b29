package dev.aifactory.cost.sink;

import dev.aifactory.common.deadletter.DeadLetter;
import dev.aifactory.cost.alerts.AlertEvent;
import dev.aifactory.cost.economics.UnitEconomicsRow;
import dev.aifactory.cost.focus.FocusRow;
import dev.aifactory.cost.model.ResourceWindow;
import org.apache.flink.streaming.api.datastream.DataStream;

/** Where the cost job's outputs go; tests plug in their own. */
public interface CostSinks {
  void focus(DataStream<FocusRow> rows);

  void utilization(DataStream<ResourceWindow> windows);

  void unitEconomics(DataStream<UnitEconomicsRow> rows);

  void alerts(DataStream<AlertEvent> alerts);

  void rejected(DataStream<DeadLetter> rejected);
}
