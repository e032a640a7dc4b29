-- Feature views over gold.features_card_id_history (one row per emitted feature vector).
-- PII: the entity key is a card token (PCI scope). Every view shows card_ref, a SHA-256
-- pseudonym of it, instead: stable, so views join on it, and not reversible. To look a card up,
-- compare with SHA2('<card token>', 256).

DROP VIEW IF EXISTS factory.features.card_features_history;
CREATE VIEW factory.features.card_features_history
COMMENT 'Every feature vector of card_activity, card token masked (card_ref)'
AS SELECT
  SHA2(entity, 256) AS card_ref,
  feature_view, feature_view_version, valid_from, emitted_at, tombstone,
  tx_count_10m, tx_count_1h, amount_sum_1h, amount_avg_24h, amount_max_24h, amount_min_24h,
  merchants_24h, countries_7d, last_amount, seconds_since_last
FROM iceberg.gold.features_card_id_history;

-- One row per (card, valid_from): a vector re-emitted for the same instant (a late event that
-- revised it) replaces the earlier one. valid_to is the next vector's valid_from (NULL: current).
DROP VIEW IF EXISTS factory.features.card_features_validity;
CREATE VIEW factory.features.card_features_validity
COMMENT 'Feature vectors with their validity interval [valid_from, valid_to): filter on it for point-in-time reads'
AS SELECT
  card_ref, valid_from,
  -- LEAD does not take TIMESTAMP_LTZ (Flink 2.1): through TIMESTAMP and back, in one session zone.
  CAST(LEAD(CAST(valid_from AS TIMESTAMP(6))) OVER (PARTITION BY card_ref ORDER BY valid_from) AS TIMESTAMP_LTZ(6)) AS valid_to,
  emitted_at, tombstone,
  tx_count_10m, tx_count_1h, amount_sum_1h, amount_avg_24h, amount_max_24h, amount_min_24h,
  merchants_24h, countries_7d, last_amount, seconds_since_last
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY card_ref, valid_from ORDER BY emitted_at DESC) AS revision
  FROM factory.features.card_features_history
)
WHERE revision = 1;

-- Features as of a timestamp: the vector valid at that instant, per card. A view takes no
-- parameter, so the instant is a filter:
--   SELECT * FROM factory.features.card_features_validity
--   WHERE valid_from <= TIMESTAMP '2026-01-01 12:00:00'
--     AND (valid_to IS NULL OR valid_to > TIMESTAMP '2026-01-01 12:00:00');

-- The latest vector per card and view version, without cards whose features expired. It reads
-- gold.features_card_id_latest, which the features job upserts as it writes the history (one
-- row per card and version, committed on checkpoints, compacted): a small table, where the
-- history view above ranks every row ever written. card_ref is stored in it, so a filter on one
-- card reaches the Iceberg scan:
--   SELECT * FROM factory.features.card_features_latest WHERE card_ref = SHA2('<card token>', 256);
DROP VIEW IF EXISTS factory.features.card_features_latest;
CREATE VIEW factory.features.card_features_latest
COMMENT 'The current feature vector of each card and view version (expired cards left out), card token masked'
AS SELECT
  entity_ref AS card_ref, feature_view_version, valid_from, emitted_at,
  tx_count_10m, tx_count_1h, amount_sum_1h, amount_avg_24h, amount_max_24h, amount_min_24h,
  merchants_24h, countries_7d, last_amount, seconds_since_last
FROM iceberg.gold.features_card_id_latest
WHERE feature_view = 'card_activity';
