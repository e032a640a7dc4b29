package dev.aifactory.scoring.batch;

import dev.aifactory.common.IcebergCatalogs;
import dev.aifactory.common.IcebergTables;
import dev.aifactory.common.JobConfig;
import dev.aifactory.common.lineage.LineageDataset;
import dev.aifactory.common.lineage.RunLineage;
import dev.aifactory.common.policy.JobRole;
import dev.aifactory.features.definition.FeatureViews;
import dev.aifactory.features.definition.ViewClassification;
import dev.aifactory.models.ModelStage;
import dev.aifactory.models.ModelVersion;
import dev.aifactory.models.registry.ModelRegistry;
import dev.aifactory.scoring.model.Prediction;
import dev.aifactory.scoring.model.ScoringRequest;
import dev.aifactory.scoring.operator.MicroBatchScoringOperator;
import dev.aifactory.scoring.operator.ScoringSettings;
import dev.aifactory.scoring.sink.PredictionTable;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.IcebergSink;
import org.apache.iceberg.flink.source.IcebergSource;
import org.apache.iceberg.flink.source.assigner.SimpleSplitAssignerFactory;

/**
 * The batch tier: a bounded Flink job (BATCH mode) that scores every row of an Iceberg table
 * with one registered model, in large batches, through the same scoring operator as the stream,
 * into an Iceberg table laid out like {@code gold.predictions}.
 *
 * <p>Configuration: {@code scoring.batch.input} (a table with an id, entity, event time and the
 * model's feature columns, such as a training set), {@code scoring.batch.output},
 * {@code scoring.batch.model-version} (default: the champion), {@code scoring.batch.max-size}.
 */
public final class BatchScoringJob {

  private BatchScoringJob() {}

  public static void main(String[] args) throws Exception {
    JobConfig config = JobConfig.load("scoring-defaults.properties", args);
    StreamExecutionEnvironment env = environment(config);
    TableIdentifier output = define(env, config);
    env.execute(jobName(config, output));
  }

  public static String jobName(JobConfig config, TableIdentifier output) {
    return "factory-batch-scoring " + config.get("scoring.batch.input") + " -> " + output;
  }

  public static StreamExecutionEnvironment environment(JobConfig config) {
    Configuration flink = Configuration.fromMap(config.withPrefix("flink."));
    flink.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
    return StreamExecutionEnvironment.getExecutionEnvironment(flink);
  }

  /** Adds the job to {@code env} and returns its output table (created, or appended to if it exists). */
  public static TableIdentifier define(StreamExecutionEnvironment env, JobConfig config) {
    CatalogLoader loader = IcebergCatalogs.loader(config);
    Catalog catalog = loader.loadCatalog();
    ScoringSettings settings = ScoringSettings.from(config)
        .withBatching(config.getInt("scoring.batch.max-size", 4096), 1_000);
    ModelVersion model = model(catalog, config, settings.modelName());
    TableIdentifier input = TableIdentifier.parse(config.get("scoring.batch.input"));
    // The input's zone is its namespace; its classified columns are those of the model's view.
    JobRole.requireReads(config, "batch_scoring", Map.of(input.namespace().level(0),
        ViewClassification.classesByField(FeatureViews.load(model.signature().featureView())).values(), "models", java.util.Set.of()));
    TableIdentifier output = TableIdentifier.parse(config.get("scoring.batch.output", "gold.batch_predictions"));
    IcebergTables.createIfMissing(catalog, output, PredictionTable.SCHEMA,
        PartitionSpec.builderFor(PredictionTable.SCHEMA).day("event_time").build());
    RowType rowType = FlinkSchemaUtil.convert(catalog.loadTable(input).schema());
    IcebergSource<RowData> source = IcebergSource.forRowData()
        .tableLoader(TableLoader.fromCatalog(loader, input))
        .assignerFactory(new SimpleSplitAssignerFactory())
        .build();
    TableRequests.Columns columns = new TableRequests.Columns(config.get("scoring.batch.id-column", "event_id"),
        config.get("scoring.batch.entity-column", "card_id"), config.get("scoring.batch.time-column", "event_time"),
        config.get("scoring.batch.valid-from-column", "feature_valid_from"));
    DataStream<ScoringRequest> requests = env.fromSource(source, WatermarkStrategy.noWatermarks(), "input " + input,
            InternalTypeInfo.of(rowType))
        .map(new TableRequests(rowType, columns, model.signature()))
        .name("rows to requests");
    SingleOutputStreamOperator<Prediction> predictions = score(env, requests, model, settings);
    DataStream<RowData> rows = predictions.map(new PredictionTable.Rows(model.signature().featureOrder()))
        .returns(InternalTypeInfo.of(FlinkSchemaUtil.convert(PredictionTable.SCHEMA)))
        .name("prediction rows");
    IcebergSink.forRowData(rows).tableLoader(TableLoader.fromCatalog(loader, output)).uidSuffix("batch-predictions").append();
    RunLineage.flinkJob(config, jobName(config, output), false)
        .reads(LineageDataset.table(input), LineageDataset.file(model.uri())).writes(LineageDataset.table(output)).attachTo(env);
    return output;
  }

  /** The stream's scoring operator over a bounded input, with no registry changes. */
  public static SingleOutputStreamOperator<Prediction> score(StreamExecutionEnvironment env, DataStream<ScoringRequest> requests,
      ModelVersion model, ScoringSettings settings) {
    // No registry changes: an empty stream that ends with the input (an empty collection source
    // fails in Flink 2.1).
    DataStream<ModelVersion> noChanges = requests
        .flatMap((ScoringRequest r, org.apache.flink.util.Collector<ModelVersion> out) -> { })
        .returns(TypeInformation.of(ModelVersion.class))
        .name("no registry changes");
    return requests.connect(noChanges.broadcast())
        .transform("score " + model.label(), TypeInformation.of(Prediction.class),
            new MicroBatchScoringOperator(settings, model.signature(), model));
  }

  private static ModelVersion model(Catalog catalog, JobConfig config, String name) {
    ModelRegistry registry = ModelRegistry.open(catalog);
    String version = config.get("scoring.batch.model-version", "champion");
    if (version.equals("champion")) {
      return registry.current(name, ModelStage.CHAMPION)
          .orElseThrow(() -> new IllegalStateException("no champion for model " + name + " in the registry"));
    }
    int wanted = Integer.parseInt(version);
    return registry.versions(name).stream().filter(v -> v.version() == wanted).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(name + ":" + wanted + " is not registered"));
  }
}
