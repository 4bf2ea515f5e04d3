-- dq.rejected_rows: quarantined rows, one per broken row, with a reason a person can act on.
CREATE SCHEMA IF NOT EXISTS dq;

CREATE TABLE IF NOT EXISTS dq.rejected_rows (
    source VARCHAR,
    file_path VARCHAR,
    sheet VARCHAR,
    row_number BIGINT,
    column_name VARCHAR,
    value VARCHAR,
    check_name VARCHAR,
    reason VARCHAR
);

COMMENT ON TABLE dq.rejected_rows IS 'Rows that broke the raw-file contract and were not loaded. One row per rejected row; fix the file (or add an alias) and re-run.';
COMMENT ON COLUMN dq.rejected_rows.source IS 'Raw source (the folder): participation | workforce | targets';
COMMENT ON COLUMN dq.rejected_rows.file_path IS 'Path of the file under the raw folder';
COMMENT ON COLUMN dq.rejected_rows.sheet IS 'Sheet name in a workbook; empty for csv';
COMMENT ON COLUMN dq.rejected_rows.row_number IS 'Row number as the spreadsheet program shows it (1 = first line)';
COMMENT ON COLUMN dq.rejected_rows.column_name IS 'The column header in the file whose value broke the check';
COMMENT ON COLUMN dq.rejected_rows.value IS 'The offending value as text';
COMMENT ON COLUMN dq.rejected_rows.check_name IS 'The check that failed, e.g. region_match, number_format, duplicate_key';
COMMENT ON COLUMN dq.rejected_rows.reason IS 'What is wrong and what to do about it';
