-- Predictions (the audit table gold.predictions), card token masked as in the feature views.
DROP VIEW IF EXISTS factory.scoring.predictions;
CREATE VIEW factory.scoring.predictions
COMMENT 'Every scored event with the model version, features read and decision; card token masked (card_ref)'
AS SELECT
  event_id, SHA2(entity_id, 256) AS card_ref, event_time, feature_valid_from, features,
  score, decision, model_name, model_version, model_sha256, challenger_version, challenger_score,
  provider, scored_at
FROM iceberg.gold.predictions;

-- Decisions per model version and day: what a model owner watches.
DROP VIEW IF EXISTS factory.scoring.decisions_daily;
CREATE VIEW factory.scoring.decisions_daily
COMMENT 'Scored events and decisions per model version and day'
AS SELECT
  model_name, model_version, CAST(event_time AS DATE) AS event_date, decision,
  COUNT(*) AS events, AVG(score) AS avg_score
FROM iceberg.gold.predictions
GROUP BY model_name, model_version, CAST(event_time AS DATE), decision;
