package dev.aifactory.features.online;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The online store on Redis: one hash per {@link OnlineKey} with fields {@code vf}
 * ({@code valid_from}), {@code em} ({@code emitted_at}) and {@code v} (the Avro record). A write
 * is one Lua script, atomic on the server, that applies {@link StoredVector#supersedes}: two
 * writers or a replay cannot move a vector backwards. A tombstone keeps {@code vf} and {@code em}
 * and drops {@code v}, and expires after the view's TTL.
 */
public final class RedisOnlineStore implements OnlineStore {

  // The ordering rule of StoredVector.supersedes, run where the value is. Lua numbers are
  // doubles: exact for epoch millis and micros until the year 2255.
  private static final String WRITE = """
      local vf = redis.call('HGET', KEYS[1], 'vf')
      if vf then
        local em = tonumber(redis.call('HGET', KEYS[1], 'em'))
        local nvf, nem = tonumber(ARGV[1]), tonumber(ARGV[2])
        vf = tonumber(vf)
        if nvf < vf or (nvf == vf and nem <= em) then return 0 end
      end
      if ARGV[3] == '' then
        redis.call('HSET', KEYS[1], 'vf', ARGV[1], 'em', ARGV[2])
        redis.call('HDEL', KEYS[1], 'v')
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
      else
        redis.call('HSET', KEYS[1], 'vf', ARGV[1], 'em', ARGV[2], 'v', ARGV[3])
        redis.call('PERSIST', KEYS[1])
      end
      return 1
      """;
  private static final byte[] VF = bytes("vf");
  private static final byte[] EM = bytes("em");
  private static final byte[] V = bytes("v");

  private final RedisClient redis;
  private final byte[] tombstoneTtlMillis;
  private volatile byte[] writeSha;

  public RedisOnlineStore(RedisSettings settings) {
    URI uri = URI.create(settings.uri());
    int timeout = (int) settings.timeout().toMillis();
    DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(timeout).socketTimeoutMillis(timeout).clientName("aifactory-online");
    if (settings.password() != null) {
      client.password(settings.password());
    }
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(32);
    // Waiting for a pooled connection is bounded too.
    pool.setMaxWait(settings.timeout());
    this.redis = RedisClient.builder().hostAndPort(new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()))
        .clientConfig(client.build()).poolConfig(pool).build();
    this.tombstoneTtlMillis = bytes(Long.toString(Math.max(1, settings.tombstoneTtl().toMillis())));
  }

  @Override
  public boolean write(OnlineKey key, StoredVector vector) {
    return retryOnce(() -> writeOnce(key, vector));
  }

  private boolean writeOnce(OnlineKey key, StoredVector vector) {
    List<byte[]> keys = List.of(bytes(key.asString()));
    List<byte[]> args = List.of(bytes(Long.toString(vector.validFrom())), bytes(Long.toString(vector.emittedAtMicros())),
        vector.isTombstone() ? new byte[0] : vector.avro(), tombstoneTtlMillis);
    Object applied;
    try {
      applied = redis.evalsha(writeSha(), keys, args);
    } catch (JedisNoScriptException e) {
      // Redis restarted (scripts are not persisted): load it again.
      writeSha = null;
      applied = redis.evalsha(writeSha(), keys, args);
    }
    return Long.valueOf(1).equals(applied);
  }

  @Override
  public Optional<StoredVector> read(OnlineKey key) {
    return retryOnce(() -> readOnce(key));
  }

  /**
   * Runs a call again, once, when its connection broke: after a Redis restart every pooled
   * connection is dead, and each fails its first use. Both calls are safe to repeat (a read; a
   * write the ordering rule makes idempotent). A Redis that is down fails both at once.
   */
  private static <T> T retryOnce(java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (JedisConnectionException e) {
      return call.get();
    }
  }

  private Optional<StoredVector> readOnce(OnlineKey key) {
    List<byte[]> fields = redis.hmget(bytes(key.asString()), VF, EM, V);
    if (fields.get(2) == null) {
      return Optional.empty();
    }
    return Optional.of(new StoredVector(Long.parseLong(string(fields.get(0))), Long.parseLong(string(fields.get(1))), fields.get(2)));
  }

  /**
   * Deletes every vector of a subject, in every view and version ({@code factory erase}): the
   * keys {@code features:*:<token>} for each of its tokens, found with SCAN (never KEYS, which
   * blocks the server). Returns how many keys were deleted.
   */
  public long erase(java.util.Collection<String> tokens) {
    long deleted = 0;
    for (String token : tokens) {
      ScanParams match = new ScanParams().match("features:*:" + globEscaped(token)).count(1_000);
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = redis.scan(cursor, match);
        // The pattern's * may span colons: keep only keys whose entity part is the token.
        List<String> keys = page.getResult().stream()
            .filter(k -> OnlineKey.parse(bytes(k)).entity().equals(token)).toList();
        if (!keys.isEmpty()) {
          deleted += redis.del(keys.toArray(String[]::new));
        }
        cursor = page.getCursor();
      } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }
    return deleted;
  }

  private static String globEscaped(String s) {
    return s.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
  }

  /** Whether Redis answers now. */
  @Override
  public boolean ready() {
    try {
      return "PONG".equals(redis.ping());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private byte[] writeSha() {
    byte[] sha = writeSha;
    if (sha == null) {
      sha = bytes(redis.scriptLoad(WRITE));
      writeSha = sha;
    }
    return sha;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    redis.close();
  }
}
