package dev.aifactory.launcher.cluster;

import dev.aifactory.cost.AlertState;
import dev.aifactory.cost.CostAlert;
import dev.aifactory.cost.CostRule;
import dev.aifactory.localstack.LocalKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** What the cost job published on alerts.cost. */
final class LocalKafkaAlerts {

  private LocalKafkaAlerts() {}

  /** Whether a burn-rate alert for {@code subject} was raised. */
  static boolean raised(String bootstrap, String subject) {
    return LocalKafka.readTopic(bootstrap, "alerts.cost").stream().map(r -> {
      try {
        return CostAlert.fromByteBuffer(ByteBuffer.wrap(r.value()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).anyMatch(a -> a.getRule() == CostRule.BUDGET_BURN_RATE && a.getState() == AlertState.RAISED
        && subject.equals(a.getSubject()));
  }
}
