package dev.aifactory.features.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** One key format for Redis and the online topic, with the version in it. */
class OnlineKeyTest {

  @Test
  void twoVersionsOfAViewHaveTwoKeysAndEveryKeyParsesBack() {
    OnlineKey v2 = new OnlineKey("card_activity", 2, "t.k1.abc");
    OnlineKey v3 = new OnlineKey("card_activity", 3, "t.k1.abc");
    assertThat(v2.asString()).isEqualTo("features:card_activity:v2:t.k1.abc").isNotEqualTo(v3.asString());
    assertThat(OnlineKey.parse(v2.bytes())).isEqualTo(v2);
    OnlineKey colons = new OnlineKey("merchant_activity", 12, "shop:42:east");
    assertThat(OnlineKey.parse(colons.bytes())).isEqualTo(colons);
  }

  @Test
  void aKeyOfAnotherFormatIsRefusedByName() {
    assertThatThrownBy(() -> OnlineKey.parse("t.k1.abc".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not an online key").hasMessageContaining("t.k1.abc");
    assertThatThrownBy(() -> OnlineKey.parse("features:card_activity:vX:t".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRecordOfAnOlderReleaseKeyedByTheEntityAloneResolvesFromItsValue() {
    var view = dev.aifactory.features.definition.FeatureViews.load("card_activity");
    OnlineCodec codec = new OnlineCodec(view);
    double[] values = new double[view.features().size()];
    byte[] vector = codec.encode(new dev.aifactory.features.model.FeatureRow("t.k1.abc", 100, 100_000, false, values));
    byte[] entity = "t.k1.abc".getBytes(StandardCharsets.UTF_8);

    assertThat(OnlineKey.resolve(OnlineKey.of(view, "t.k1.abc").bytes(), vector, codec)).isEqualTo(OnlineKey.of(view, "t.k1.abc"));
    assertThat(OnlineKey.resolve(new OnlineKey(view.name(), view.version() + 1, "t.k1.abc").bytes(), vector, codec))
        .as("another version's key").isNull();
    assertThat(OnlineKey.resolve(entity, vector, codec)).as("the version from the value").isEqualTo(OnlineKey.of(view, "t.k1.abc"));
    assertThat(OnlineKey.resolve(entity, null, codec)).as("an old tombstone counts for every version")
        .isEqualTo(OnlineKey.of(view, "t.k1.abc"));
    assertThat(OnlineKey.resolve("t.k1.other".getBytes(StandardCharsets.UTF_8), vector, codec)).as("a value of another entity").isNull();
    assertThat(OnlineKey.resolve(entity, "junk".getBytes(StandardCharsets.UTF_8), codec)).isNull();
    assertThat(OnlineKey.resolve(null, vector, codec)).isNull();
  }
}
