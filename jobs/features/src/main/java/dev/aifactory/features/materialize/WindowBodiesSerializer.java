package dev.aifactory.features.materialize;

import dev.aifactory.features.aggregate.Slice;
import dev.aifactory.features.aggregate.SliceSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link WindowBodies} field by field, its bodies with {@link SliceSerializer}: read on every event. */
public final class WindowBodiesSerializer extends TypeSerializerSingleton<WindowBodies> {

  public static final WindowBodiesSerializer INSTANCE = new WindowBodiesSerializer();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public WindowBodies createInstance() {
    return WindowBodies.empty(0);
  }

  @Override
  public WindowBodies copy(WindowBodies from) {
    WindowBodies c = WindowBodies.empty(from.epochs.length);
    System.arraycopy(from.epochs, 0, c.epochs, 0, from.epochs.length);
    for (int i = 0; i < from.merged.length; i++) {
      c.merged[i] = SliceSerializer.INSTANCE.copy(from.merged[i]);
    }
    return c;
  }

  @Override
  public WindowBodies copy(WindowBodies from, WindowBodies reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(WindowBodies b, DataOutputView out) throws IOException {
    out.writeInt(b.epochs.length);
    for (int i = 0; i < b.epochs.length; i++) {
      out.writeLong(b.epochs[i]);
      out.writeBoolean(b.merged[i] != null);
      if (b.merged[i] != null) {
        SliceSerializer.INSTANCE.serialize(b.merged[i], out);
      }
    }
  }

  @Override
  public WindowBodies deserialize(DataInputView in) throws IOException {
    WindowBodies b = WindowBodies.empty(in.readInt());
    for (int i = 0; i < b.epochs.length; i++) {
      b.epochs[i] = in.readLong();
      b.merged[i] = in.readBoolean() ? SliceSerializer.INSTANCE.deserialize(in) : null;
    }
    return b;
  }

  @Override
  public WindowBodies deserialize(WindowBodies reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<WindowBodies> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Stateless serializer: the snapshot only names it. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<WindowBodies> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
