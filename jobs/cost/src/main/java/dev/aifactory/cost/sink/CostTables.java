package dev.aifactory.cost.sink;

import dev.aifactory.common.IcebergTables;
import dev.aifactory.common.deadletter.DeadLetterTable;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/** The cost job's Iceberg tables. Column names are the mapping to the result classes ({@link PojoRows}). */
public final class CostTables {

  private CostTables() {}

  public static final TableIdentifier FOCUS = TableIdentifier.of("gold", "cost_focus");
  public static final TableIdentifier UTILIZATION = TableIdentifier.of("gold", "cost_utilization");
  public static final TableIdentifier UNIT_ECONOMICS = TableIdentifier.of("gold", "cost_unit_economics");
  public static final TableIdentifier REJECTED = TableIdentifier.of("gold", "cost_rejected");

  private static int id = 0;

  private static Types.NestedField req(String name, org.apache.iceberg.types.Type type) {
    return Types.NestedField.required(++id, name, type);
  }

  private static Types.NestedField opt(String name, org.apache.iceberg.types.Type type) {
    return Types.NestedField.optional(++id, name, type);
  }

  private static final Types.StringType S = Types.StringType.get();
  private static final Types.DoubleType D = Types.DoubleType.get();
  private static final Types.TimestampType T = Types.TimestampType.withZone();
  private static final Types.LongType L = Types.LongType.get();
  private static final Types.IntegerType I = Types.IntegerType.get();

  /** FinOps FOCUS 1.2 columns this job fills, then its own {@code x_} columns. */
  public static final Schema FOCUS_SCHEMA = new Schema(
      req("BillingCurrency", S), req("BilledCost", D), req("EffectiveCost", D), req("ListCost", D), req("ContractedCost", D),
      opt("ListUnitPrice", D), opt("ContractedUnitPrice", D),
      req("ChargePeriodStart", T), req("ChargePeriodEnd", T), req("BillingPeriodStart", T), req("BillingPeriodEnd", T),
      req("ChargeCategory", S), opt("ChargeClass", S), req("ChargeDescription", S), req("ChargeFrequency", S),
      req("ServiceCategory", S), req("ServiceName", S), req("ProviderName", S),
      req("ResourceId", S), req("ResourceType", S), req("SkuId", S),
      opt("ConsumedQuantity", D), opt("ConsumedUnit", S), opt("PricingQuantity", D), opt("PricingUnit", S),
      req("Tags", S),
      opt("x_Team", S), opt("x_WorkloadClass", S), opt("x_Job", S), opt("x_Model", S), req("x_CostAllocation", S),
      req("x_WindowSeconds", L), req("x_Revision", I), req("x_Utilization", D));

  public static final Schema UTILIZATION_SCHEMA = new Schema(
      req("resource_id", S), req("resource_type", S), opt("accelerator_type", S),
      opt("team", S), opt("workload_class", S), opt("job", S), opt("model", S),
      req("window_start", T), req("window_end", T), req("samples", I),
      req("covered_seconds", D), req("gap_seconds", D), req("busy_seconds", D), req("idle_seconds", D),
      req("utilization_avg", D), req("utilization_p95", D), req("energy_kwh", D), req("quantity", D), req("unit", S),
      req("asset_cost", D), req("workload_cost", D), req("idle_cost", D), req("memory_cost", D), req("energy_cost", D),
      req("currency", S), req("revision", I),
      // added in 0.2; new columns go last so a table created earlier gets the same field id
      opt("gpu_memory_used_mib_max", D));

  public static final Schema UNIT_ECONOMICS_SCHEMA = new Schema(
      req("window_start", T), req("window_end", T), opt("workload_class", S), opt("subject", S), opt("team", S),
      req("effective_cost", D), req("rows_scored", L), req("records_ingested", L), req("accelerator_hours", D),
      opt("cost_per_1k_predictions", D), opt("cost_per_million_records", D), opt("predictions_per_accelerator_hour", D),
      req("revision", I));


  public static void ensureExist(Catalog catalog) {
    IcebergTables.createOrAddColumns(catalog, FOCUS, FOCUS_SCHEMA, PartitionSpec.builderFor(FOCUS_SCHEMA).day("ChargePeriodStart").build());
    IcebergTables.createOrAddColumns(catalog, UTILIZATION, UTILIZATION_SCHEMA,
        PartitionSpec.builderFor(UTILIZATION_SCHEMA).day("window_start").build());
    IcebergTables.createOrAddColumns(catalog, UNIT_ECONOMICS, UNIT_ECONOMICS_SCHEMA,
        PartitionSpec.builderFor(UNIT_ECONOMICS_SCHEMA).day("window_start").build());
    DeadLetterTable.ensure(catalog, REJECTED);
  }
}
