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
 *   WITH ('provider' = 'onnx', 'path' = '...', 'sha256' = '...',
 *         'input-name' = 'card_activity_v2', 'output-name' = 'fraud_probability');
 * SELECT * FROM ML_PREDICT(TABLE t, MODEL fraud, DESCRIPTOR(tx_count_10m, ..., seconds_since_last));
 * </pre>
 *
 * The INPUT columns are the model's input tensor's columns, in order (the model card lists
 * them); the OUTPUT is one FLOAT or DOUBLE column. Sync predictions score one row per call; async
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
    return Set.of(OnnxModelOptions.PATH, OnnxModelOptions.SHA256, OnnxModelOptions.INPUT_NAME, OnnxModelOptions.OUTPUT_NAME);
  }

  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return Set.of(OnnxModelOptions.EXECUTION_PROVIDER, OnnxModelOptions.DEVICE_ID, OnnxModelOptions.BATCH_MAX_SIZE,
        OnnxModelOptions.BATCH_MAX_DELAY);
  }

  @Override
  public ModelProvider createModelProvider(Context context) {
    FactoryUtil.ModelProviderFactoryHelper helper = FactoryUtil.createModelProviderFactoryHelper(this, context);
    helper.validate();
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
    return new OnnxModelProvider(new OnnxModelSpec(context.getObjectIdentifier().asSummaryString(),
        options.get(OnnxModelOptions.PATH), options.get(OnnxModelOptions.SHA256), options.get(OnnxModelOptions.INPUT_NAME),
        options.get(OnnxModelOptions.OUTPUT_NAME), input.getColumnNames(), inputTypes, outputType,
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
