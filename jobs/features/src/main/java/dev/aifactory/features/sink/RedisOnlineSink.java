package dev.aifactory.features.sink;

import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.online.OnlineCodec;
import dev.aifactory.features.online.OnlineKey;
import dev.aifactory.features.online.RedisOnlineStore;
import dev.aifactory.features.online.RedisSettings;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;

/**
 * Writes each newest row to the Redis online store as it is emitted, so a lookup sees an event's
 * vector milliseconds after the event. Each write is synchronous and bounded by the store's
 * timeout; a write that fails fails the task, and the restart replays from the last checkpoint,
 * which the store's ordered writes make harmless (at least once, idempotent).
 */
final class RedisOnlineSink implements Sink<FeatureRow> {

  private final FeatureView view;
  private final RedisSettings settings;

  RedisOnlineSink(FeatureView view, RedisSettings settings) {
    this.view = view;
    this.settings = settings;
  }

  @Override
  public SinkWriter<FeatureRow> createWriter(WriterInitContext context) {
    return new Writer(new OnlineCodec(view), new RedisOnlineStore(settings),
        context.metricGroup().counter("onlineStoreWrites"), context.metricGroup().counter("onlineStoreStaleWrites"));
  }

  private static final class Writer implements SinkWriter<FeatureRow> {
    private final OnlineCodec codec;
    private final RedisOnlineStore store;
    private final Counter writes;
    private final Counter stale;

    Writer(OnlineCodec codec, RedisOnlineStore store, Counter writes, Counter stale) {
      this.codec = codec;
      this.store = store;
      this.writes = writes;
      this.stale = stale;
    }

    @Override
    public void write(FeatureRow row, Context context) {
      if (store.write(OnlineKey.of(codec.view(), row.entity), codec.stored(row))) {
        writes.inc();
      } else {
        stale.inc();
      }
    }

    @Override
    public void flush(boolean endOfInput) {
      // every write is already on the server
    }

    @Override
    public void close() {
      store.close();
    }
  }
}
