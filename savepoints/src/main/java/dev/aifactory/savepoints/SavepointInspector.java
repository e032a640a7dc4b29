package dev.aifactory.savepoints;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.StreamStateHandle;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;

/**
 * What a savepoint (or retained checkpoint) holds, read from its metadata: each operator (uid
 * and name where the savepoint records them, else the operator id), its parallelism, the names,
 * kinds and types of its keyed and operator state, and the bytes each takes. Nothing is
 * restored: the keyed state's meta information is read from the head of its streams, the way a
 * backend reads it before restoring.
 */
public final class SavepointInspector {

  /** One state of an operator. {@code kind}: VALUE, MAP, LIST..., or OPERATOR / UNION / BROADCAST. */
  public record StateInfo(String name, String kind, String type) {}

  public record OperatorInfo(String operatorId, String uid, String name, int parallelism, int maxParallelism,
      long keyedBytes, long operatorBytes, List<StateInfo> states) {}

  public record Report(String path, long checkpointId, List<OperatorInfo> operators) {
    public long totalBytes() {
      return operators.stream().mapToLong(o -> o.keyedBytes() + o.operatorBytes()).sum();
    }
  }

  private SavepointInspector() {}

  /** Inspects the savepoint at {@code location} (a folder with {@code _metadata}, or the file). */
  public static Report inspect(String location, ClassLoader userClasses) throws IOException {
    Path metadata = new Path(location.endsWith("_metadata") ? location : location + "/_metadata");
    CheckpointMetadata checkpoint;
    try (FSDataInputStream in = FileSystem.get(metadata.toUri()).open(metadata)) {
      checkpoint = Checkpoints.loadCheckpointMetadata(new DataInputStream(in), userClasses, metadata.getParent().toString());
    }
    List<OperatorInfo> operators = new ArrayList<>();
    for (OperatorState op : checkpoint.getOperatorStates()) {
      Map<String, StateInfo> states = new TreeMap<>();
      long keyed = 0;
      long operator = 0;
      for (OperatorSubtaskState subtask : op.getStates()) {
        for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
          keyed += handle.getStateSize();
          keyedStates(handle, userClasses).forEach(s -> states.putIfAbsent(s.name(), s));
        }
        for (OperatorStateHandle handle : subtask.getManagedOperatorState()) {
          operator += handle.getStateSize();
          handle.getStateNameToPartitionOffsets().forEach((name, meta) ->
              states.putIfAbsent(name, new StateInfo(name, meta.getDistributionMode().name(), "")));
        }
      }
      if (op.getCoordinatorState() != null) {
        operator += op.getCoordinatorState().getStateSize();
        states.putIfAbsent("(coordinator)", new StateInfo("(coordinator)", "COORDINATOR", "source enumerator or committer"));
      }
      operators.add(new OperatorInfo(op.getOperatorID().toHexString(), op.getOperatorUid().orElse(""),
          op.getOperatorName().orElse(""), op.getParallelism(), op.getMaxParallelism(), keyed, operator,
          new ArrayList<>(states.values())));
    }
    operators.sort((a, b) -> (a.uid() + a.operatorId()).compareTo(b.uid() + b.operatorId()));
    return new Report(location, checkpoint.getCheckpointId(), operators);
  }

  /** State names and types from the serialization proxy at the head of the keyed state. */
  private static List<StateInfo> keyedStates(KeyedStateHandle handle, ClassLoader userClasses) throws IOException {
    StreamStateHandle head;
    if (handle instanceof KeyGroupsStateHandle groups) {
      head = groups.getDelegateStateHandle();
    } else if (handle instanceof IncrementalKeyedStateHandle incremental) {
      head = incremental.getMetaDataStateHandle();
    } else {
      return List.of(new StateInfo("(unreadable)", handle.getClass().getSimpleName(), ""));
    }
    KeyedBackendSerializationProxy<?> proxy = new KeyedBackendSerializationProxy<>(userClasses);
    try (InputStream in = head.openInputStream()) {
      proxy.read(new DataInputViewStreamWrapper(in));
    }
    List<StateInfo> out = new ArrayList<>();
    for (StateMetaInfoSnapshot meta : proxy.getStateMetaInfoSnapshots()) {
      out.add(new StateInfo(meta.getName(), meta.getBackendStateType().name(), typeOf(meta)));
    }
    return out;
  }

  private static String typeOf(StateMetaInfoSnapshot meta) {
    List<String> parts = new ArrayList<>();
    meta.getSerializerSnapshotsImmutable().forEach((key, snapshot) -> {
      if (!key.equals(StateMetaInfoSnapshot.CommonSerializerKeys.NAMESPACE_SERIALIZER.toString())) {
        parts.add(describe(snapshot));
      }
    });
    return String.join(" -> ", parts);
  }

  /** The snapshot's serializer, and for POJOs and Avro the type it writes. */
  private static String describe(TypeSerializerSnapshot<?> snapshot) {
    String serializer = snapshot.getClass().getSimpleName().replace("SerializerSnapshot", "").replace("Snapshot", "");
    try {
      Object instance = snapshot.restoreSerializer().createInstance();
      return instance == null ? serializer : serializer + "<" + instance.getClass().getSimpleName() + ">";
    } catch (RuntimeException | LinkageError e) {
      return serializer;
    }
  }

  /** A table for people: one line per state, sizes per operator. */
  public static String format(Report report) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("savepoint %s (checkpoint %d), %,d bytes of state%n", report.path(), report.checkpointId(),
        report.totalBytes()));
    for (OperatorInfo op : report.operators()) {
      out.append(String.format("%n%s%s  parallelism %d/%d  keyed %,d B  operator %,d B%n",
          op.uid().isEmpty() ? "id " + op.operatorId() : op.uid(), op.name().isEmpty() ? "" : "  (" + op.name() + ")",
          op.parallelism(), op.maxParallelism(), op.keyedBytes(), op.operatorBytes()));
      for (StateInfo s : op.states()) {
        out.append(String.format("    %-28s %-12s %s%n", s.name(), s.kind(), s.type()));
      }
    }
    return out.toString();
  }
}
