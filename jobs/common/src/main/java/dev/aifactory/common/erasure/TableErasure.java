package dev.aifactory.common.erasure;

import dev.aifactory.common.IcebergAppends;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.StructLikeMap;

/**
 * Removes one subject's rows from one Iceberg table, for good: every data file that holds one is
 * rewritten without it (copy on write, in one commit that fails if another writer deleted rows
 * from those files meanwhile), then every snapshot older than that commit is expired, so no time-travel read and no file on
 * disk still holds the row. Expiring history is the price of erasure, and this says so in its
 * result.
 */
final class TableErasure {

  private TableErasure() {}

  static Erasure.TableResult erase(Table table, ErasureRequest request) {
    Predicate<Record> matches = matcher(table, request);
    if (matches == null) {
      return new Erasure.TableResult(table.name(), 0, 0, 0);
    }
    table.refresh();
    Snapshot base = table.currentSnapshot();
    if (base == null) {
      return new Erasure.TableResult(table.name(), 0, 0, 0);
    }
    if (Long.parseLong(base.summary().getOrDefault("total-delete-files", "0")) > 0) {
      return rewriteLiveRows(table, base, matches);
    }
    List<DataFile> removed = new ArrayList<>();
    List<DataFile> added = new ArrayList<>();
    long rows = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(base.snapshotId()).filter(candidates(table, request)).planFiles()) {
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty()) {
          throw new IllegalStateException(table.name() + " has row-level delete files; compact it before erasing");
        }
        List<Record> kept = new ArrayList<>();
        long dropped = 0;
        for (Record r : read(table, task.file())) {
          if (matches.test(r)) {
            dropped++;
          } else {
            kept.add(r.copy());
          }
        }
        if (dropped > 0) {
          rows += dropped;
          removed.add(task.file());
          if (!kept.isEmpty()) {
            added.add(IcebergAppends.write(table, kept));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (removed.isEmpty()) {
      return new Erasure.TableResult(table.name(), 0, 0, 0);
    }
    OverwriteFiles commit = table.newOverwrite().validateFromSnapshot(base.snapshotId()).validateNoConflictingDeletes();
    removed.forEach(commit::deleteFile);
    added.forEach(commit::addFile);
    commit.commit();
    return expireBefore(table, rows, removed.stream().map(DataFile::location).toList());
  }

  /**
   * Replaces every file of a merge-on-read table by its live rows without the subject's. New
   * files keep the base's data sequence number, so an equality delete a job commits meanwhile
   * still applies to them (and a conflicting one fails the commit).
   */
  private static Erasure.TableResult rewriteLiveRows(Table table, Snapshot base, Predicate<Record> matches) {
    long rows = 0;
    Map<StructLike, List<Record>> kept = StructLikeMap.create(table.spec().partitionType());
    PartitionKey partition = new PartitionKey(table.spec(), table.schema());
    InternalRecordWrapper wrapper = new InternalRecordWrapper(table.schema().asStruct());
    try (CloseableIterable<Record> live = IcebergGenerics.read(table).useSnapshot(base.snapshotId()).build()) {
      for (Record r : live) {
        if (matches.test(r)) {
          rows++;
        } else {
          partition.partition(wrapper.wrap(r));
          kept.computeIfAbsent(partition.copy(), k -> new ArrayList<>()).add(r.copy());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<DataFile> data = new LinkedHashSet<>();
    Set<DeleteFile> deletes = new LinkedHashSet<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(base.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        data.add(task.file());
        deletes.addAll(task.deletes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(base.snapshotId()).dataSequenceNumber(base.sequenceNumber());
    data.forEach(rewrite::deleteFile);
    deletes.forEach(rewrite::deleteFile);
    kept.values().forEach(records -> rewrite.addFile(IcebergAppends.write(table, records)));
    rewrite.commit();
    List<String> removed = new ArrayList<>();
    data.forEach(f -> removed.add(f.location()));
    deletes.forEach(f -> removed.add(f.location()));
    return expireBefore(table, rows, removed);
  }

  /**
   * Expires every snapshot before the erasing commit (the table's current one) and deletes the
   * files it removed, so no time-travel read and no file on disk still holds the subject.
   */
  private static Erasure.TableResult expireBefore(Table table, long rows, List<String> removed) {
    Snapshot erasing = table.currentSnapshot(); // this table object's state is our commit's
    int before = sizeOf(table.snapshots());
    // History still points at the removed files: expire it. Iceberg's incremental cleanup keeps
    // files that the retained (erasing) snapshot itself removed, so delete those explicitly once
    // no snapshot is left that reads them.
    // Snapshots a running job commits after ours build on ours, so they stay.
    table.expireSnapshots().expireOlderThan(erasing.timestampMillis()).retainLast(1).commit();
    table.refresh();
    for (Snapshot s : table.snapshots()) {
      if (s.timestampMillis() < erasing.timestampMillis()) {
        throw new IllegalStateException(table.name() + " kept snapshot " + s.snapshotId() + " from before the erasure");
      }
    }
    removed.forEach(table.io()::deleteFile);
    return new Erasure.TableResult(table.name(), rows, removed.size(), before - sizeOf(table.snapshots()));
  }

  private static Predicate<Record> matcher(Table table, ErasureRequest request) {
    List<Predicate<Record>> tests = new ArrayList<>();
    for (Types.NestedField f : table.schema().columns()) {
      if (ErasureRequest.SUBJECT_COLUMNS.contains(f.name()) && f.type().typeId() == org.apache.iceberg.types.Type.TypeID.STRING) {
        tests.add(r -> r.getField(f.name()) != null && request.identifiers().contains(r.getField(f.name()).toString()));
      }
      if (ErasureRequest.MESSAGE_COLUMNS.contains(f.name()) && f.type().typeId() == org.apache.iceberg.types.Type.TypeID.BINARY) {
        byte[] needle = request.rawBytes();
        tests.add(r -> r.getField(f.name()) instanceof ByteBuffer b && contains(b, needle));
      }
    }
    return tests.isEmpty() ? null : tests.stream().reduce(Predicate::or).orElseThrow();
  }

  /** Files whose statistics may hold a match; message columns have no useful bounds, so any file. */
  private static Expression candidates(Table table, ErasureRequest request) {
    boolean messages = table.schema().columns().stream().anyMatch(f -> ErasureRequest.MESSAGE_COLUMNS.contains(f.name()));
    if (messages) {
      return Expressions.alwaysTrue();
    }
    Expression any = Expressions.alwaysFalse();
    for (Types.NestedField f : table.schema().columns()) {
      if (ErasureRequest.SUBJECT_COLUMNS.contains(f.name()) && f.type().typeId() == org.apache.iceberg.types.Type.TypeID.STRING) {
        any = Expressions.or(any, Expressions.in(f.name(), request.identifiers().toArray()));
      }
    }
    return any;
  }

  private static List<Record> read(Table table, DataFile file) throws IOException {
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> reader = Parquet.read(table.io().newInputFile(file.location()))
        .project(table.schema())
        .createReaderFunc(type -> GenericParquetReaders.buildReader(table.schema(), type))
        .build()) {
      reader.forEach(rows::add);
    }
    return rows;
  }

  static boolean contains(ByteBuffer haystack, byte[] needle) {
    ByteBuffer b = haystack.duplicate();
    int n = b.remaining();
    outer:
    for (int i = 0; i <= n - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (b.get(b.position() + i + j) != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static int sizeOf(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }
}
