package dev.aifactory.udfs.onnx;

import dev.aifactory.models.runtime.ExecutionProvider;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * {@code 'provider' = 'onnx'}: runs an ONNX model on ONNX Runtime inside Flink SQL.
 *
 * <pre>
 * CREATE MODEL fraud
 *   INPUT (tx_count_10m BIGINT, ..., seconds_since_last DOUBLE)
 *   OUTPUT (fraud_probability DOUBLE)
 *   WITH ('provider' = 'onnx', 'model' = 'fraud', 'version' = 'champion',
 *         'registry.catalog.type' = 'hadoop', 'registry.catalog.warehouse' = '...');
 * SELECT * FROM ML_PREDICT(TABLE t, MODEL fraud, DESCRIPTOR(tx_count_10m, ..., seconds_since_last));
 * </pre>
 *
 * The model is resolved through the registry ({@link RegistryModels}): its file, SHA-256 and
 * tensor names are the registered ones, and the INPUT columns must be its signature's, in order
 * (the model card lists them); the OUTPUT is one FLOAT or DOUBLE column. Sync predictions score one row per call; async
 * predictions are batched across rows inside the function.
 */
public final class OnnxModelProviderFactory implements ModelProviderFactory {

  public static final String IDENTIFIER = "onnx";

  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return Set.of(OnnxModelOptions.MODEL, OnnxModelOptions.VERSION);
  }

  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return Set.of(OnnxModelOptions.EXECUTION_PROVIDER, OnnxModelOptions.DEVICE_ID, OnnxModelOptions.BATCH_MAX_SIZE,
        OnnxModelOptions.BATCH_MAX_DELAY);
  }

  @Override
  public ModelProvider createModelProvider(Context context) {
    FactoryUtil.ModelProviderFactoryHelper helper = FactoryUtil.createModelProviderFactoryHelper(this, context);
    helper.validateExcept(RegistryModels.CATALOG_PREFIX);
    ReadableConfig options = helper.getOptions();
    ResolvedSchema input = context.getCatalogModel().getResolvedInputSchema();
    ResolvedSchema output = context.getCatalogModel().getResolvedOutputSchema();
    LogicalTypeRoot[] inputTypes = input.getColumns().stream().map(c -> numeric(c, "INPUT")).toArray(LogicalTypeRoot[]::new);
    List<Column> outputs = output.getColumns();
    if (outputs.size() != 1 || !(numeric(outputs.get(0), "OUTPUT") == LogicalTypeRoot.FLOAT
        || numeric(outputs.get(0), "OUTPUT") == LogicalTypeRoot.DOUBLE)) {
      throw new ValidationException("an onnx model has one OUTPUT column, FLOAT or DOUBLE; " + context.getObjectIdentifier()
          + " declares " + output.getColumnNames());
    }
    LogicalType outputType = outputs.get(0).getDataType().getLogicalType();
    var model = RegistryModels.resolve(context.getCatalogModel().getOptions(), options.get(OnnxModelOptions.MODEL),
        options.get(OnnxModelOptions.VERSION), input.getColumnNames());
    return new OnnxModelProvider(new OnnxModelSpec(context.getObjectIdentifier().asSummaryString(), model, inputTypes, outputType,
        ExecutionProvider.parse(options.get(OnnxModelOptions.EXECUTION_PROVIDER)), options.get(OnnxModelOptions.DEVICE_ID),
        options.get(OnnxModelOptions.BATCH_MAX_SIZE), options.get(OnnxModelOptions.BATCH_MAX_DELAY)));
  }

  private static LogicalTypeRoot numeric(Column column, String side) {
    LogicalType type = column.getDataType().getLogicalType();
    if (!type.is(LogicalTypeFamily.NUMERIC)) {
      throw new ValidationException(side + " column " + column.getName() + " is " + type + "; onnx models take numbers");
    }
    return type.getTypeRoot();
  }
}
