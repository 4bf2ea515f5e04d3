-- staging.{source}_quarantine: rejected rows of one raw source ({source} is filled in by the ingest asset).
CREATE SCHEMA IF NOT EXISTS staging;

CREATE TABLE IF NOT EXISTS staging.{source}_quarantine (
    source VARCHAR,
    file_path VARCHAR,
    sheet VARCHAR,
    row_number BIGINT,
    column_name VARCHAR,
    value VARCHAR,
    check_name VARCHAR,
    reason VARCHAR
);

COMMENT ON TABLE staging.{source}_quarantine IS 'Rejected {source} rows; dq.rejected_rows unions these for every source.';
COMMENT ON COLUMN staging.{source}_quarantine.source IS 'Raw source';
COMMENT ON COLUMN staging.{source}_quarantine.file_path IS 'Path under the raw folder';
COMMENT ON COLUMN staging.{source}_quarantine.sheet IS 'Sheet name (empty for csv)';
COMMENT ON COLUMN staging.{source}_quarantine.row_number IS 'Row number as a spreadsheet program shows it';
COMMENT ON COLUMN staging.{source}_quarantine.column_name IS 'Header of the offending column';
COMMENT ON COLUMN staging.{source}_quarantine.value IS 'The offending value';
COMMENT ON COLUMN staging.{source}_quarantine.check_name IS 'The check that failed';
COMMENT ON COLUMN staging.{source}_quarantine.reason IS 'What is wrong and what to do';
