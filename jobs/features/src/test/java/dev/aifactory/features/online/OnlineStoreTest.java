package dev.aifactory.features.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.localstack.LocalRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The ordering rules every online store keeps, on a real Redis server and on the embedded map. */
class OnlineStoreTest {

  @TempDir
  static Path dir;
  static LocalRedis redis;
  static final FeatureView VIEW = FeatureViews.load("card_activity");
  static final OnlineCodec CODEC = new OnlineCodec(VIEW);

  @BeforeAll
  static void startRedis() throws Exception {
    redis = LocalRedis.start(dir.resolve("redis"));
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  static Stream<Arguments> stores() {
    Supplier<OnlineStore> redisStore = () -> new RedisOnlineStore(
        new RedisSettings(redis.uri(), null, Duration.ofMillis(500), Duration.ofDays(7)));
    Supplier<OnlineStore> local = LocalOnlineStore::new;
    return Stream.of(Arguments.of("redis", redisStore), Arguments.of("embedded", local));
  }

  static StoredVector row(String entity, long validFrom, long emittedAt, double firstValue) {
    double[] values = new double[VIEW.features().size()];
    Arrays.fill(values, Double.NaN);
    values[0] = firstValue;
    return CODEC.stored(new FeatureRow(entity, validFrom, emittedAt, false, values));
  }

  static double firstValue(OnlineStore store, OnlineKey key) throws Exception {
    return CODEC.decode(store.read(key).orElseThrow().avro()).values()[0];
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void newerWinsAndAReplayNeverMovesAVectorBackwards(String name, Supplier<OnlineStore> stores) throws Exception {
    try (OnlineStore store = stores.get()) {
      OnlineKey key = new OnlineKey(VIEW.name(), VIEW.version(), "t.k1.order-" + name);
      assertThat(store.write(key, row(key.entity(), 1_000, 10, 1))).isTrue();
      assertThat(store.write(key, row(key.entity(), 2_000, 20, 2))).isTrue();
      // the first row again (a replay after a restart), and an older one emitted later
      assertThat(store.write(key, row(key.entity(), 1_000, 10, 1))).isFalse();
      assertThat(store.write(key, row(key.entity(), 1_500, 30, 9))).isFalse();
      assertThat(store.write(key, row(key.entity(), 2_000, 20, 2))).isFalse();
      assertThat(firstValue(store, key)).isEqualTo(2);
      // a correction: same valid_from, emitted later
      assertThat(store.write(key, row(key.entity(), 2_000, 40, 3))).isTrue();
      assertThat(firstValue(store, key)).isEqualTo(3);
      StoredVector stored = store.read(key).orElseThrow();
      assertThat(stored.validFrom()).isEqualTo(2_000);
      assertThat(stored.emittedAtMicros()).isEqualTo(40);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void aTombstoneDeletesAndAnOlderReplayDoesNotReviveIt(String name, Supplier<OnlineStore> stores) throws Exception {
    try (OnlineStore store = stores.get()) {
      OnlineKey key = new OnlineKey(VIEW.name(), VIEW.version(), "t.k1.gone-" + name);
      store.write(key, row(key.entity(), 1_000, 10, 1));
      assertThat(store.write(key, StoredVector.tombstone(5_000, 50))).isTrue();
      assertThat(store.read(key)).isEmpty();
      assertThat(store.write(key, row(key.entity(), 1_000, 10, 1))).isFalse();
      assertThat(store.read(key)).isEmpty();
      // a new event after the expiry brings the card back
      assertThat(store.write(key, row(key.entity(), 6_000, 60, 7))).isTrue();
      assertThat(firstValue(store, key)).isEqualTo(7);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void twoVersionsOfAViewAreServedSideBySide(String name, Supplier<OnlineStore> stores) throws Exception {
    try (OnlineStore store = stores.get()) {
      OnlineKey v2 = new OnlineKey(VIEW.name(), VIEW.version(), "t.k1.both-" + name);
      OnlineKey v3 = new OnlineKey(VIEW.name(), VIEW.version() + 1, v2.entity());
      store.write(v2, row(v2.entity(), 1_000, 10, 1));
      store.write(v3, row(v2.entity(), 500, 5, 2));
      assertThat(firstValue(store, v2)).isEqualTo(1);
      assertThat(store.read(v3).orElseThrow().validFrom()).isEqualTo(500);
      assertThat(store.read(new OnlineKey(VIEW.name(), VIEW.version(), "t.k1.never-" + name))).isEmpty();
    }
  }

  @Test
  void aRedisOutageFailsWithinTheTimeoutInsteadOfBlocking() throws Exception {
    LocalRedis doomed = LocalRedis.start(dir.resolve("doomed"));
    try (RedisOnlineStore store = new RedisOnlineStore(new RedisSettings(doomed.uri(), null, Duration.ofMillis(200), Duration.ofDays(7)))) {
      OnlineKey key = new OnlineKey(VIEW.name(), VIEW.version(), "t.k1.outage");
      store.write(key, row(key.entity(), 1_000, 10, 1));
      assertThat(store.ready()).isTrue();
      doomed.close();
      Instant start = Instant.now();
      assertThatThrownBy(() -> store.read(key)).isInstanceOf(RuntimeException.class);
      assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(3));
      assertThat(store.ready()).isFalse();
    }
  }
}
