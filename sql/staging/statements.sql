-- staging.statements: published statements (press releases, speeches) as they were said, typed, with provenance.
CREATE SCHEMA IF NOT EXISTS staging;

CREATE TABLE IF NOT EXISTS staging.statements (
    statement_id VARCHAR,
    region_code VARCHAR,
    period DATE,
    stated_as_of VARCHAR,
    segment VARCHAR,
    stated_participants BIGINT,
    stated_denominator BIGINT,
    denominator_kind VARCHAR,
    stated_coverage_pct DOUBLE,
    stated_pu BIGINT,
    stated_bpu BIGINT,
    stated_jakon BIGINT,
    stated_pmi BIGINT,
    target_value DOUBLE,
    target_deadline DATE,
    source VARCHAR,
    url VARCHAR,
    file_path VARCHAR,
    sheet VARCHAR,
    row_number BIGINT,
    file_sha256 VARCHAR
);

COMMENT ON TABLE staging.statements IS 'Published statements that passed ingest, one per file row, with the figures as stated.';
COMMENT ON COLUMN staging.statements.statement_id IS 'Identifier given in the file, if any';
COMMENT ON COLUMN staging.statements.region_code IS 'Kemendagri code the region cells matched to';
COMMENT ON COLUMN staging.statements.period IS 'First day of the month the statement speaks of';
COMMENT ON COLUMN staging.statements.stated_as_of IS 'The as-of date or month as the file wrote it';
COMMENT ON COLUMN staging.statements.segment IS 'ALL | PU | BPU | JAKON | PMI: what the stated figures cover';
COMMENT ON COLUMN staging.statements.stated_participants IS 'Participants as stated';
COMMENT ON COLUMN staging.statements.stated_denominator IS 'Denominator as stated';
COMMENT ON COLUMN staging.statements.denominator_kind IS 'bps_employed | potential | other; NULL when the statement does not say';
COMMENT ON COLUMN staging.statements.stated_coverage_pct IS 'Coverage percentage as stated';
COMMENT ON COLUMN staging.statements.stated_pu IS 'PU participants as stated';
COMMENT ON COLUMN staging.statements.stated_bpu IS 'BPU participants as stated';
COMMENT ON COLUMN staging.statements.stated_jakon IS 'Jakon participants as stated';
COMMENT ON COLUMN staging.statements.stated_pmi IS 'PMI participants as stated';
COMMENT ON COLUMN staging.statements.target_value IS 'A target the statement announces, as stated';
COMMENT ON COLUMN staging.statements.target_deadline IS 'First day of the month of that target''s deadline';
COMMENT ON COLUMN staging.statements.source IS 'Who said it, where and when';
COMMENT ON COLUMN staging.statements.url IS 'Where the statement was published';
COMMENT ON COLUMN staging.statements.file_path IS 'Raw file the row came from';
COMMENT ON COLUMN staging.statements.sheet IS 'Sheet of that file (empty for csv)';
COMMENT ON COLUMN staging.statements.row_number IS 'Row number in that sheet, as a spreadsheet program shows it';
COMMENT ON COLUMN staging.statements.file_sha256 IS 'SHA-256 of the file when it was read';
