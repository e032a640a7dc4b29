-- Every record a job set aside instead of processing, from all four jobs, in one layout: one
-- query finds them all. Each job keeps its own table with the full story (ingest.quarantine
-- holds the bounded original bytes); this view gives the job, the stage, the reason, the subject
-- (domain, feature view or resource), the event id and the Kafka coordinates where known. Detail
-- text is left out: a rule's detail can quote a PII value (a card token), which no view shows.
DROP VIEW IF EXISTS factory.ops.dead_letters;
CREATE VIEW factory.ops.dead_letters
COMMENT 'Every rejected, quarantined or dropped record of every job: job, stage, reason, subject, event id, coordinates'
AS
SELECT 'ingest' AS job, stage, reason, domain AS subject, event_id,
       CAST(NULL AS TIMESTAMP_LTZ(6)) AS event_time, topic, `partition` AS kafka_partition, `offset` AS kafka_offset,
       original_length, original_sha256, quarantined_at AS recorded_at
FROM iceberg.ingest.quarantine
UNION ALL
SELECT 'features', 'features', reason, feature_view, event_id, event_time, CAST(NULL AS STRING), CAST(NULL AS INT),
       CAST(NULL AS BIGINT), CAST(NULL AS INT), CAST(NULL AS STRING), dropped_at
FROM iceberg.gold.features_late
UNION ALL
SELECT 'scoring', 'features', reason, feature_view, event_id, event_time, CAST(NULL AS STRING), CAST(NULL AS INT),
       CAST(NULL AS BIGINT), CAST(NULL AS INT), CAST(NULL AS STRING), dropped_at
FROM iceberg.gold.scoring_unscored
UNION ALL
SELECT 'cost', 'usage', reason, resource_id, event_id, event_time, CAST(NULL AS STRING), CAST(NULL AS INT),
       CAST(NULL AS BIGINT), CAST(NULL AS INT), CAST(NULL AS STRING), rejected_at
FROM iceberg.gold.cost_rejected;
