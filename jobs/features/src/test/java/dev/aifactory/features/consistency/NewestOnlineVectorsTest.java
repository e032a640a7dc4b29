package dev.aifactory.features.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.online.OnlineCodec;
import dev.aifactory.features.online.OnlineKey;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the consistency check takes as served, on a topic an older release began. */
class NewestOnlineVectorsTest {

  static final FeatureView VIEW = FeatureViews.load("card_activity");
  static final OnlineCodec CODEC = new OnlineCodec(VIEW);

  @Test
  void recordsKeyedByTheEntityAloneCountAndTheNewestVectorWins() throws Exception {
    List<Map.Entry<byte[], byte[]>> messages = List.of(
        new SimpleEntry<>(bytes("card-a"), row("card-a", 100)),
        new SimpleEntry<>(bytes("card-b"), row("card-b", 100)),
        new SimpleEntry<>(OnlineKey.of(VIEW, "card-b").bytes(), row("card-b", 200)),
        new SimpleEntry<>(new OnlineKey(VIEW.name(), VIEW.version() + 1, "card-c").bytes(), row("card-c", 300)));

    Map<String, OnlineOfflineConsistency.OnlineVector> newest = OnlineOfflineConsistency.newestVectors(VIEW, messages);

    assertThat(newest).containsOnlyKeys("card-a", "card-b");
    assertThat(newest.get("card-a").validFrom()).isEqualTo(100);
    assertThat(newest.get("card-b").validFrom()).isEqualTo(200);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] row(String card, long validFrom) {
    return CODEC.encode(new FeatureRow(card, validFrom, validFrom * 1_000, false, new double[VIEW.features().size()]));
  }
}
