-- staging.targets: the target registry as the files gave it, typed, with provenance.
CREATE SCHEMA IF NOT EXISTS staging;

CREATE TABLE IF NOT EXISTS staging.targets (
    target_id VARCHAR,
    region_code VARCHAR,
    segment VARCHAR,
    metric VARCHAR,
    target_value DOUBLE,
    deadline DATE,
    baseline_period DATE,
    funding_source VARCHAR,
    denominator VARCHAR,
    budget_idr DOUBLE,
    source VARCHAR,
    file_path VARCHAR,
    sheet VARCHAR,
    row_number BIGINT,
    file_sha256 VARCHAR
);

COMMENT ON TABLE staging.targets IS 'Targets that passed ingest, one per file row.';
COMMENT ON COLUMN staging.targets.target_id IS 'Identifier given in the registry';
COMMENT ON COLUMN staging.targets.region_code IS 'Kemendagri code of the region the target is for';
COMMENT ON COLUMN staging.targets.segment IS 'ALL | PU | BPU | JAKON | PMI';
COMMENT ON COLUMN staging.targets.metric IS 'coverage_pct | active_participants';
COMMENT ON COLUMN staging.targets.target_value IS 'The promised value of the metric';
COMMENT ON COLUMN staging.targets.deadline IS 'First day of the deadline month';
COMMENT ON COLUMN staging.targets.baseline_period IS 'Month the target starts from, when given';
COMMENT ON COLUMN staging.targets.funding_source IS 'APBD | DBHCHT | CSR for funder targets, else NULL';
COMMENT ON COLUMN staging.targets.denominator IS 'Denominator the target was stated against, as given';
COMMENT ON COLUMN staging.targets.budget_idr IS 'Budget set aside for the target (Rp), when given';
COMMENT ON COLUMN staging.targets.source IS 'Who set the target, where and when';
COMMENT ON COLUMN staging.targets.file_path IS 'Raw file the row came from';
COMMENT ON COLUMN staging.targets.sheet IS 'Sheet of that file (empty for csv)';
COMMENT ON COLUMN staging.targets.row_number IS 'Row number in that sheet, as a spreadsheet program shows it';
COMMENT ON COLUMN staging.targets.file_sha256 IS 'SHA-256 of the file when it was read';
