-- Every record a job set aside instead of processing, from all four jobs: one query finds them
-- all. Each job writes its own dead-letter table, all in one layout (DeadLetterTable): the job,
-- the stage, the reason, the subject (domain, feature view or resource), the event, and the
-- Kafka coordinates with the original's length and digest where the job read one. The
-- quarantine's original bytes stay in its restricted zone, and detail text, entities and keys are
-- left out here: a rule's detail can quote a PII value (a card token), which no view shows.
-- Rows written before the tables moved to one layout have no job (and features rows no stage):
-- each table belongs to one job, so the view fills them in.
DROP VIEW IF EXISTS factory.ops.dead_letters;
CREATE VIEW factory.ops.dead_letters
COMMENT 'Every rejected, quarantined or dropped record of every job: job, stage, reason, subject, event, coordinates'
AS
SELECT COALESCE(job, 'ingest') AS job, stage, reason, subject, subject_version, event_id, event_time, `watermark`,
       topic, `partition` AS kafka_partition, `offset` AS kafka_offset, kafka_timestamp,
       original_length, original_sha256, recorded_at
FROM iceberg.ingest.quarantine
UNION ALL
SELECT COALESCE(job, 'features'), COALESCE(stage, 'features'), reason, subject, subject_version, event_id, event_time,
       `watermark`, topic, `partition`, `offset`, kafka_timestamp, original_length, original_sha256, recorded_at
FROM iceberg.gold.features_late
UNION ALL
SELECT COALESCE(job, 'scoring'), COALESCE(stage, 'features'), reason, subject, subject_version, event_id, event_time,
       `watermark`, topic, `partition`, `offset`, kafka_timestamp, original_length, original_sha256, recorded_at
FROM iceberg.gold.scoring_unscored
UNION ALL
SELECT COALESCE(job, 'cost'), COALESCE(stage, 'usage'), reason, subject, subject_version, event_id, event_time,
       `watermark`, topic, `partition`, `offset`, kafka_timestamp, original_length, original_sha256, recorded_at
FROM iceberg.gold.cost_rejected;
