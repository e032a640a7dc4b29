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
}
