package dev.aifactory.features.online;

import dev.aifactory.features.definition.FeatureDef;
import dev.aifactory.features.definition.FeatureView;
import dev.aifactory.features.model.FeatureRow;
import dev.aifactory.features.sink.OnlineSchema;
import dev.aifactory.schemas.wire.AvroWire;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageDecoder;

/**
 * A view's online record ({@link OnlineSchema}, single-object encoding) to and from feature
 * rows: the one encoding of the online topic, the Redis store and the serving API. Not
 * thread-safe (one decoder); one per writer or per request thread.
 */
public final class OnlineCodec {

  /** A decoded online vector: values in the view's feature order, NaN where missing. */
  public record Vector(String entity, int viewVersion, long validFrom, long emittedAtMicros, double[] values) {}

  private final FeatureView view;
  private final Schema schema;
  private final BinaryMessageDecoder<GenericData.Record> decoder;

  public OnlineCodec(FeatureView view) {
    this.view = view;
    this.schema = OnlineSchema.of(view);
    this.decoder = new BinaryMessageDecoder<>(GenericData.get(), schema);
  }

  public FeatureView view() {
    return view;
  }

  /** The store's form of a row: its record, or a tombstone. */
  public StoredVector stored(FeatureRow row) {
    return row.tombstone ? StoredVector.tombstone(row.validFrom, row.emittedAtMicros)
        : new StoredVector(row.validFrom, row.emittedAtMicros, encode(row));
  }

  /** The row's online record; integral features as longs, missing values as null. */
  public byte[] encode(FeatureRow row) {
    GenericData.Record record = new GenericData.Record(schema);
    record.put(view.entity(), row.entity);
    record.put("feature_view_version", view.version());
    record.put("valid_from", row.validFrom);
    record.put("emitted_at", row.emittedAtMicros);
    List<FeatureDef> features = view.features();
    for (int f = 0; f < features.size(); f++) {
      double v = row.values[f];
      record.put(features.get(f).name(), Double.isNaN(v) ? null : features.get(f).aggregation().integral() ? (Object) (long) v : v);
    }
    return AvroWire.singleObject(record);
  }

  /** Decodes a record of this view version; fails on any other (its fingerprint differs). */
  public Vector decode(byte[] bytes) throws IOException {
    GenericData.Record r = decoder.decode(bytes);
    List<FeatureDef> features = view.features();
    double[] values = new double[features.size()];
    for (int f = 0; f < values.length; f++) {
      Object v = r.get(features.get(f).name());
      values[f] = v == null ? Double.NaN : ((Number) v).doubleValue();
    }
    return new Vector(r.get(view.entity()).toString(), (Integer) r.get("feature_view_version"), (Long) r.get("valid_from"),
        (Long) r.get("emitted_at"), values);
  }
}
