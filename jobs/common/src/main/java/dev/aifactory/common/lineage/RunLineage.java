package dev.aifactory.common.lineage;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.JobConfig;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import io.openlineage.client.OpenLineageClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.JobListener;
import org.apache.flink.runtime.client.JobCancellationException;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenLineage events of one run of a job: {@code START} when it is submitted (its inputs and
 * outputs, tables with their schema and current snapshot), then {@code COMPLETE} (outputs at the
 * snapshots the run committed), {@code FAIL} with the error, or {@code ABORT} when cancelled.
 *
 * <p>A Flink run's id is its Flink job id read as a UUID, so the Iceberg snapshots it commits,
 * which carry {@code flink.job-id} in their summary, name their run. A streaming job submitted
 * detached gets only its {@code START} here: it runs on after the client has gone.
 *
 * <p>Lineage is recorded, not enforced: an event that cannot be delivered is logged and the run
 * goes on, so a lineage server that is down does not stop payments being scored.
 */
public final class RunLineage implements JobListener {

  private static final Logger LOG = LoggerFactory.getLogger(RunLineage.class);
  private static final URI PRODUCER = URI.create("urn:aifactory:factory");
  private static final OpenLineage OL = new OpenLineage(PRODUCER);

  private final JobConfig config;
  private final String jobName;
  private final String processingType;
  /** FLINK for a Flink job; JAVA for a run in the client's own process (training). */
  private final String integration;
  private final List<LineageDataset> inputs = new ArrayList<>();
  private final List<LineageDataset> outputs = new ArrayList<>();
  private Catalog catalog;
  private UUID runId;
  /** The datasets as they were before the run: the job is running by the time it is reported submitted. */
  private Map<LineageDataset, OpenLineage.DatasetFacets> beforeRun;

  private RunLineage(JobConfig config, String jobName, String processingType, String integration) {
    // A transport that is misconfigured fails the job's start, not each event later, unseen.
    LineageTransports.configOf(config);
    this.config = config;
    this.jobName = jobName;
    this.processingType = processingType;
    this.integration = integration;
  }

  /** A Flink job; {@code streaming} decides the job-type facet (STREAMING or BATCH). */
  public static RunLineage flinkJob(JobConfig config, String jobName, boolean streaming) {
    return new RunLineage(config, jobName, streaming ? "STREAMING" : "BATCH", "FLINK");
  }

  /** A run outside Flink (training), with its own run id. */
  public static RunLineage batchRun(JobConfig config, String jobName, UUID runId) {
    RunLineage lineage = new RunLineage(config, jobName, "BATCH", "JAVA");
    lineage.runId = runId;
    return lineage;
  }

  public RunLineage reads(List<LineageDataset> datasets) {
    inputs.addAll(datasets);
    return this;
  }

  public RunLineage reads(LineageDataset... datasets) {
    return reads(List.of(datasets));
  }

  public RunLineage writes(List<LineageDataset> datasets) {
    outputs.addAll(datasets);
    return this;
  }

  public RunLineage writes(LineageDataset... datasets) {
    return writes(List.of(datasets));
  }

  /** Emits this run's events as the environment submits and finishes the job. */
  public void attachTo(StreamExecutionEnvironment env) {
    beforeRun = currentFacets();
    env.registerJobListener(this);
  }

  @Override
  public void onJobSubmitted(JobClient client, Throwable error) {
    if (error != null) {
      runId = UUID.randomUUID();
      emit(EventType.FAIL, error);
      return;
    }
    runId = uuidOf(client.getJobID());
    emit(EventType.START, null);
  }

  @Override
  public void onJobExecuted(JobExecutionResult result, Throwable error) {
    if (runId == null) {
      return;
    }
    if (error != null) {
      boolean cancelled = ExceptionUtils.findThrowable(error, JobCancellationException.class).isPresent();
      emit(cancelled ? EventType.ABORT : EventType.FAIL, cancelled ? null : error);
    } else if (result.isJobExecutionResult()) {
      emit(EventType.COMPLETE, null);
    }
    // else: submitted detached; the job runs on, and its snapshots name it by flink.job-id.
  }

  public void started() {
    beforeRun = currentFacets();
    emit(EventType.START, null);
  }

  public void completed() {
    emit(EventType.COMPLETE, null);
  }

  public void failed(Throwable error) {
    emit(EventType.FAIL, error);
  }

  /**
   * A Flink job id (16 bytes) as the UUID OpenLineage names runs by, with the same hex digits
   * as the job id Flink prints and Iceberg's snapshots record (its lower half first).
   */
  public static UUID uuidOf(JobID job) {
    return new UUID(job.getLowerPart(), job.getUpperPart());
  }

  private void emit(EventType type, Throwable error) {
    if (runId == null) {
      runId = UUID.randomUUID(); // failed before Flink gave the job an id
    }
    try {
      OpenLineage.RunEvent event = event(type, error);
      // A client per event: a run sends two or three, and closing the client flushes its
      // transport (a Kafka producer, say) before the job goes on or the client process exits.
      try (OpenLineageClient client = new OpenLineageClient(LineageTransports.from(config))) {
        client.emit(event);
      }
    } catch (Exception e) {
      LOG.warn("lineage event {} of {} (run {}) not delivered: {}", type, jobName, runId, e.toString());
    }
  }

  OpenLineage.RunEvent event(EventType type, Throwable error) {
    OpenLineage.RunFacetsBuilder runFacets = OL.newRunFacetsBuilder();
    if (integration.equals("FLINK")) {
      runFacets.processing_engine(OL.newProcessingEngineRunFacet(EnvironmentInformation.getVersion(), "flink", "aifactory"));
    }
    if (error != null) {
      runFacets.errorMessage(OL.newErrorMessageRunFacet(String.valueOf(error.getMessage()), "JAVA", ExceptionUtils.stringifyException(error)));
    }
    return OL.newRunEventBuilder()
        .eventType(type)
        .eventTime(ZonedDateTime.now(ZoneOffset.UTC))
        .run(OL.newRun(runId, runFacets.build()))
        .job(OL.newJobBuilder().namespace(config.get("lineage.namespace", "aifactory")).name(jobName)
            .facets(OL.newJobFacetsBuilder().jobType(OL.newJobTypeJobFacet(processingType, integration, "JOB")).build()).build())
        .inputs(inputs.stream().map(d -> OL.newInputDatasetBuilder().namespace(namespaceOf(d)).name(nameOf(d))
            .facets(facetsAt(type, d)).build()).toList())
        .outputs(outputs.stream().map(d -> OL.newOutputDatasetBuilder().namespace(namespaceOf(d)).name(nameOf(d))
            .facets(facetsAt(type, d)).build()).toList())
        .build();
  }

  private OpenLineage.DatasetFacets facetsAt(EventType type, LineageDataset d) {
    return type == EventType.START && beforeRun != null && beforeRun.containsKey(d) ? beforeRun.get(d) : facetsOf(d);
  }

  private Map<LineageDataset, OpenLineage.DatasetFacets> currentFacets() {
    Map<LineageDataset, OpenLineage.DatasetFacets> facets = new HashMap<>();
    try {
      inputs.forEach(d -> facets.put(d, facetsOf(d)));
      outputs.forEach(d -> facets.put(d, facetsOf(d)));
    } catch (RuntimeException e) {
      LOG.warn("lineage of {}: the datasets could not be described before the run: {}", jobName, e.toString());
    }
    return facets;
  }

  /**
   * As OpenLineage's naming spec has it: Kafka {@code kafka://host:port}, files {@code file} or
   * {@code scheme://authority}; tables by their catalog's warehouse (or REST URI).
   */
  private String namespaceOf(LineageDataset d) {
    return switch (d.kind()) {
      case KAFKA_TOPIC -> "kafka://" + config.get("kafka.bootstrap.servers", "localhost:9092").split(",")[0].trim();
      case ICEBERG_TABLE -> warehouse();
      case FILE -> {
        URI uri = URI.create(d.name());
        String scheme = uri.getScheme() == null ? "file" : uri.getScheme();
        yield uri.getAuthority() == null ? scheme : scheme + "://" + uri.getAuthority();
      }
    };
  }

  /** Topics and tables by their own names, a file by its path. */
  private static String nameOf(LineageDataset d) {
    return d.kind() == LineageDataset.Kind.FILE ? URI.create(d.name()).getPath() : d.name();
  }

  private String warehouse() {
    String uri = config.get("iceberg.catalog.uri", "");
    if (!uri.isBlank()) {
      return uri;
    }
    String warehouse = config.get("iceberg.catalog.warehouse", ".factory/warehouse");
    return warehouse.contains("://") ? warehouse : Path.of(warehouse).toAbsolutePath().normalize().toUri().toString();
  }

  /** A table's schema and its current snapshot id (the dataset's version); topics and files have none here. */
  private OpenLineage.DatasetFacets facetsOf(LineageDataset d) {
    if (d.kind() != LineageDataset.Kind.ICEBERG_TABLE) {
      return OL.newDatasetFacetsBuilder().build();
    }
    TableIdentifier id = TableIdentifier.parse(d.name());
    Catalog tables = catalog();
    if (!tables.tableExists(id)) {
      return OL.newDatasetFacetsBuilder().build();
    }
    Table table = tables.loadTable(id);
    Snapshot current = table.currentSnapshot();
    Function<Types.NestedField, OpenLineage.SchemaDatasetFacetFields> field = f -> OL.newSchemaDatasetFacetFieldsBuilder()
        .name(f.name()).type(f.type().toString()).description(f.doc()).build();
    OpenLineage.DatasetFacetsBuilder facets = OL.newDatasetFacetsBuilder()
        .schema(OL.newSchemaDatasetFacet(table.schema().columns().stream().map(field).toList()));
    if (current != null) {
      facets.version(OL.newDatasetVersionDatasetFacet(String.valueOf(current.snapshotId())));
    }
    return facets.build();
  }

  private Catalog catalog() {
    if (catalog == null) {
      catalog = IcebergCatalogs.loader(config).loadCatalog();
    }
    return catalog;
  }
}
