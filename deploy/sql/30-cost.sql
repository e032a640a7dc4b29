-- Cost views. The cost tables hold no personal data (resources, teams, jobs, models), so nothing
-- is masked; Tags is left out, as free text a team may fill with anything.
DROP VIEW IF EXISTS factory.cost.focus;
CREATE VIEW factory.cost.focus
COMMENT 'Cost rows in the FinOps FOCUS 1.2 columns; a late sample adds an Adjustment row, so sums stay right'
AS SELECT
  BillingCurrency, BilledCost, EffectiveCost, ListCost, ContractedCost, ListUnitPrice, ContractedUnitPrice,
  ChargePeriodStart, ChargePeriodEnd, BillingPeriodStart, BillingPeriodEnd, ChargeCategory, ChargeClass,
  ChargeDescription, ChargeFrequency, ServiceCategory, ServiceName, ProviderName, ResourceId, ResourceType, SkuId,
  ConsumedQuantity, ConsumedUnit, PricingQuantity, PricingUnit,
  x_Team, x_WorkloadClass, x_Job, x_Model, x_CostAllocation, x_Revision, x_Utilization
FROM iceberg.gold.cost_focus;

-- Unit economics rows are re-emitted whole when late usage revises a window: keep the latest.
DROP VIEW IF EXISTS factory.cost.unit_economics;
CREATE VIEW factory.cost.unit_economics
COMMENT 'Cost per 1,000 predictions, per million records ingested, per accelerator hour, by window'
AS SELECT
  window_start, window_end, workload_class, subject, team, effective_cost, rows_scored, records_ingested,
  accelerator_hours, cost_per_1k_predictions, cost_per_million_records, predictions_per_accelerator_hour
FROM (
  SELECT *, ROW_NUMBER() OVER (
      PARTITION BY window_start, window_end, workload_class, subject, team ORDER BY revision DESC) AS latest
  FROM iceberg.gold.cost_unit_economics
)
WHERE latest = 1;
