package dev.aifactory.features.aggregate;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The state format of a {@link Slice}: a format byte, then its counts and the primitive arrays of
 * its partial aggregates, written field by field. Flink's POJO serializer would read the same
 * through reflection, per field and array element; tiles are read and written on every event, so
 * that cost mattered (a profile of the features operator put it first). Array lengths are
 * written, so the format does not depend on the view.
 */
public final class SliceSerializer extends TypeSerializerSingleton<Slice> {

  public static final SliceSerializer INSTANCE = new SliceSerializer();
  private static final int FORMAT = 1;

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public Slice createInstance() {
    return new Slice();
  }

  @Override
  public Slice copy(Slice s) {
    if (s == null) {
      return null;
    }
    Slice c = new Slice();
    c.count = s.count;
    c.lastTime = s.lastTime;
    c.sum = new double[s.sum.length][];
    for (int i = 0; i < s.sum.length; i++) {
      c.sum[i] = s.sum[i].clone();
    }
    c.present = s.present.clone();
    c.min = s.min.clone();
    c.max = s.max.clone();
    c.last = s.last.clone();
    c.lastAt = s.lastAt.clone();
    c.distinctHashes = new long[s.distinctHashes.length][];
    c.distinctSketch = new byte[s.distinctSketch.length][];
    for (int i = 0; i < s.distinctHashes.length; i++) {
      c.distinctHashes[i] = s.distinctHashes[i].clone();
      c.distinctSketch[i] = s.distinctSketch[i] == null ? null : s.distinctSketch[i].clone();
    }
    return c;
  }

  @Override
  public Slice copy(Slice from, Slice reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(Slice s, DataOutputView out) throws IOException {
    out.writeByte(FORMAT);
    out.writeLong(s.count);
    out.writeLong(s.lastTime);
    int numeric = s.present.length;
    out.writeInt(numeric);
    for (int i = 0; i < numeric; i++) {
      out.writeInt(s.sum[i].length);
      for (double partial : s.sum[i]) {
        out.writeDouble(partial);
      }
      out.writeLong(s.present[i]);
      out.writeDouble(s.min[i]);
      out.writeDouble(s.max[i]);
      out.writeDouble(s.last[i]);
      out.writeLong(s.lastAt[i]);
    }
    int distinct = s.distinctHashes.length;
    out.writeInt(distinct);
    for (int i = 0; i < distinct; i++) {
      if (s.distinctSketch[i] != null) {
        out.writeInt(-1 - s.distinctSketch[i].length); // negative: a sketch image follows
        out.write(s.distinctSketch[i]);
      } else {
        out.writeInt(s.distinctHashes[i].length);
        for (long h : s.distinctHashes[i]) {
          out.writeLong(h);
        }
      }
    }
  }

  @Override
  public Slice deserialize(DataInputView in) throws IOException {
    int format = in.readByte();
    if (format != FORMAT) {
      throw new IOException("unknown tile state format " + format);
    }
    Slice s = new Slice();
    s.count = in.readLong();
    s.lastTime = in.readLong();
    int numeric = in.readInt();
    s.sum = new double[numeric][];
    s.present = new long[numeric];
    s.min = new double[numeric];
    s.max = new double[numeric];
    s.last = new double[numeric];
    s.lastAt = new long[numeric];
    for (int i = 0; i < numeric; i++) {
      double[] partials = new double[in.readInt()];
      for (int p = 0; p < partials.length; p++) {
        partials[p] = in.readDouble();
      }
      s.sum[i] = partials;
      s.present[i] = in.readLong();
      s.min[i] = in.readDouble();
      s.max[i] = in.readDouble();
      s.last[i] = in.readDouble();
      s.lastAt[i] = in.readLong();
    }
    int distinct = in.readInt();
    s.distinctHashes = new long[distinct][];
    s.distinctSketch = new byte[distinct][];
    for (int i = 0; i < distinct; i++) {
      int len = in.readInt();
      if (len < 0) {
        byte[] image = new byte[-1 - len];
        in.readFully(image);
        s.distinctSketch[i] = image;
        s.distinctHashes[i] = DistinctValues.EMPTY;
      } else {
        long[] hashes = new long[len];
        for (int h = 0; h < len; h++) {
          hashes[h] = in.readLong();
        }
        s.distinctHashes[i] = hashes;
      }
    }
    return s;
  }

  @Override
  public Slice deserialize(Slice reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<Slice> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Stateless serializer: the snapshot only names it; the format byte guards the layout. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Slice> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
