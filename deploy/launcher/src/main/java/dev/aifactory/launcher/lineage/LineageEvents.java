package dev.aifactory.launcher.lineage;

import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineage.RunEvent;
import io.openlineage.client.OpenLineageClientUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The runs in a file of OpenLineage events (the jobs' default file transport writes one per
 * line): per run, its job, its last state, what it read (as of its start) and what it wrote (as
 * of its last event, so a completed run's outputs carry the snapshots it committed).
 *
 * <p>A run is a run id and a job: where several jobs' pipelines share one Flink job (the demo
 * runs ingest and features together), each reports its own datasets under that Flink job's id.
 */
public final class LineageEvents {

  /** A dataset as one event names it; {@code version} is an Iceberg snapshot id, or null. */
  public record DatasetAt(String namespace, String name, String version) {
    public boolean isTopic() {
      return namespace.startsWith("kafka://");
    }

    /** A file (a model): its namespace is {@code file} or a store's {@code scheme://authority}. */
    public boolean isFile() {
      return namespace.equals("file") || !isTopic() && !isTable() && namespace.contains("://");
    }

    /** An Iceberg table: named {@code zone.table}, no path. */
    public boolean isTable() {
      return !isTopic() && !name.startsWith("/") && name.contains(".");
    }

    /** How answers name it: {@code topic x}, {@code file /path}, or the table's name. */
    public String label() {
      return isTopic() ? "topic " + name : isFile() ? "file " + name : name;
    }
  }

  /** One run, summed up from its events. */
  public record Run(String job, String runId, String state, String startedAt, String lastEventAt, List<DatasetAt> inputs,
      List<DatasetAt> outputs) {

    /** One run of one job: several jobs' pipelines may share a Flink job, and so a run id. */
    public String key() {
      return runId + " " + job;
    }

    public OffsetDateTime startTime() {
      return OffsetDateTime.parse(startedAt);
    }

    public OffsetDateTime lastEventTime() {
      return OffsetDateTime.parse(lastEventAt);
    }
  }

  private final Map<String, List<RunEvent>> byRun;

  private LineageEvents(Map<String, List<RunEvent>> byRun) {
    this.byRun = byRun;
  }

  public static LineageEvents none() {
    return new LineageEvents(Map.of());
  }

  /** Reads a file of events; a missing file has none. A line that is not an event is an error naming it. */
  public static LineageEvents read(Path file) {
    Map<String, List<RunEvent>> byRun = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return new LineageEvents(byRun);
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).isBlank()) {
          continue;
        }
        RunEvent event;
        try {
          event = OpenLineageClientUtils.runEventFromJson(lines.get(i));
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("line " + (i + 1) + " of " + file + " is not an OpenLineage run event: " + e.getMessage(), e);
        }
        String key = event.getRun().getRunId() + " " + event.getJob().getNamespace() + "/" + event.getJob().getName();
        byRun.computeIfAbsent(key, k -> new ArrayList<>()).add(event);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new LineageEvents(byRun);
  }

  /** The runs under one run id: one, unless several jobs shared a Flink job. */
  public List<Run> runs(UUID id) {
    return runs().stream().filter(r -> r.runId().equals(id.toString())).toList();
  }

  public List<Run> runs() {
    return byRun.values().stream().map(LineageEvents::summary).toList();
  }

  /** Runs that wrote {@code name}; with a version, only those whose last event says they committed it. */
  public List<Run> writers(String name, String version) {
    return runs().stream().filter(r -> r.outputs().stream()
        .anyMatch(d -> d.name().equals(name) && (version == null || version.equals(d.version())))).toList();
  }

  public List<Run> readers(String name) {
    return runs().stream().filter(r -> r.inputs().stream().anyMatch(d -> d.name().equals(name))).toList();
  }

  private static Run summary(List<RunEvent> events) {
    RunEvent first = events.get(0);
    RunEvent last = events.get(events.size() - 1);
    return new Run(first.getJob().getName(), first.getRun().getRunId().toString(), last.getEventType().name(),
        first.getEventTime().toOffsetDateTime().toString(), last.getEventTime().toOffsetDateTime().toString(), datasets(first.getInputs()), datasets(last.getOutputs()));
  }

  private static List<DatasetAt> datasets(List<? extends OpenLineage.Dataset> datasets) {
    if (datasets == null) {
      return List.of();
    }
    return datasets.stream().map(d -> new DatasetAt(d.getNamespace(), d.getName(),
        d.getFacets() == null || d.getFacets().getVersion() == null ? null : d.getFacets().getVersion().getDatasetVersion())).toList();
  }
}
