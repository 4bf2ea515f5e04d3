-- core.targets: one row per target_id; a later file revises an earlier one.
CREATE SCHEMA IF NOT EXISTS core;

CREATE OR REPLACE TABLE core.targets AS
SELECT target_id, region_code, segment, metric, target_value, deadline, baseline_period, funding_source, denominator, source, file_path
FROM staging.targets
QUALIFY row_number() OVER (PARTITION BY target_id ORDER BY file_path DESC, row_number DESC) = 1
ORDER BY target_id;

COMMENT ON TABLE core.targets IS 'The target registry, one row per target_id (the file whose path sorts last wins when two files define the same id).';
COMMENT ON COLUMN core.targets.target_id IS 'Identifier given in the registry';
COMMENT ON COLUMN core.targets.region_code IS 'Kemendagri code of the region';
COMMENT ON COLUMN core.targets.segment IS 'ALL | PU | BPU | JAKON | PMI';
COMMENT ON COLUMN core.targets.metric IS 'coverage_pct | active_participants';
COMMENT ON COLUMN core.targets.target_value IS 'The promised value of the metric';
COMMENT ON COLUMN core.targets.deadline IS 'First day of the deadline month';
COMMENT ON COLUMN core.targets.baseline_period IS 'Month the target starts from, when given';
COMMENT ON COLUMN core.targets.funding_source IS 'APBD | DBHCHT | CSR for funder targets, else NULL';
COMMENT ON COLUMN core.targets.denominator IS 'Denominator the target was stated against, as given';
COMMENT ON COLUMN core.targets.source IS 'Who set the target, where and when';
COMMENT ON COLUMN core.targets.file_path IS 'Raw file that defines the target';
