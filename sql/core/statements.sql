-- core.statements: one row per published statement; a statement_id given in two files is revised by the later file.
CREATE SCHEMA IF NOT EXISTS core;

CREATE OR REPLACE TABLE core.statements AS
SELECT
    -- A statement without an id is named after where it stands: file, sheet and row.
    coalesce(statement_id, regexp_replace(file_path, '^.*/', '') || coalesce(':' || nullif(sheet, ''), '') || ':' || row_number) AS statement_id,
    * EXCLUDE (statement_id, file_sha256)
FROM staging.statements
QUALIFY row_number() OVER (PARTITION BY coalesce(statement_id, file_path || ':' || sheet || ':' || row_number) ORDER BY file_path DESC, row_number DESC) = 1
ORDER BY statement_id;

COMMENT ON TABLE core.statements IS 'Published statements to check, one per statement_id, with the figures as stated.';
COMMENT ON COLUMN core.statements.statement_id IS 'Identifier given in the file, or <file>:<sheet>:<row> where none was given';
COMMENT ON COLUMN core.statements.region_code IS 'Kemendagri code';
COMMENT ON COLUMN core.statements.period IS 'First day of the month the statement speaks of';
COMMENT ON COLUMN core.statements.stated_as_of IS 'The as-of date or month as the file wrote it';
COMMENT ON COLUMN core.statements.segment IS 'ALL | PU | BPU | JAKON | PMI';
COMMENT ON COLUMN core.statements.stated_participants IS 'Participants as stated';
COMMENT ON COLUMN core.statements.stated_denominator IS 'Denominator as stated';
COMMENT ON COLUMN core.statements.denominator_kind IS 'bps_employed | potential | other; NULL when not said';
COMMENT ON COLUMN core.statements.stated_coverage_pct IS 'Coverage percentage as stated';
COMMENT ON COLUMN core.statements.stated_pu IS 'PU participants as stated';
COMMENT ON COLUMN core.statements.stated_bpu IS 'BPU participants as stated';
COMMENT ON COLUMN core.statements.stated_jakon IS 'Jakon participants as stated';
COMMENT ON COLUMN core.statements.stated_pmi IS 'PMI participants as stated';
COMMENT ON COLUMN core.statements.target_value IS 'A target the statement announces';
COMMENT ON COLUMN core.statements.target_deadline IS 'First day of the month of that target''s deadline';
COMMENT ON COLUMN core.statements.source IS 'Who said it, where and when';
COMMENT ON COLUMN core.statements.url IS 'Where the statement was published';
COMMENT ON COLUMN core.statements.file_path IS 'Raw file the statement came from';
COMMENT ON COLUMN core.statements.sheet IS 'Sheet of that file (empty for csv)';
COMMENT ON COLUMN core.statements.row_number IS 'Row number in that sheet';
