-- dq.rejected_rows: quarantined rows of every source, one per broken row, with a reason a person can act on.
CREATE SCHEMA IF NOT EXISTS dq;

CREATE OR REPLACE TABLE dq.rejected_rows AS
SELECT source, file_path, sheet, row_number, column_name, value, check_name, reason
FROM (
    SELECT * FROM staging.participation_quarantine
    UNION ALL BY NAME SELECT * FROM staging.workforce_quarantine
    UNION ALL BY NAME SELECT * FROM staging.targets_quarantine
    UNION ALL BY NAME SELECT * FROM staging.potential_quarantine
    UNION ALL BY NAME SELECT * FROM staging.statements_quarantine
    UNION ALL BY NAME SELECT * FROM staging.rentan_quarantine
)
ORDER BY source, file_path, sheet, row_number;

COMMENT ON TABLE dq.rejected_rows IS 'Rows that broke the raw-file contract and were not loaded, one per rejected row. Fix the file (or add an alias or a header synonym) and re-run.';
COMMENT ON COLUMN dq.rejected_rows.source IS 'Raw source (the folder): participation | workforce | targets | potential | statements | rentan';
COMMENT ON COLUMN dq.rejected_rows.file_path IS 'Path of the file under the raw folder';
COMMENT ON COLUMN dq.rejected_rows.sheet IS 'Sheet name in a workbook; empty for csv';
COMMENT ON COLUMN dq.rejected_rows.row_number IS 'Row number as the spreadsheet program shows it (1 = first line)';
COMMENT ON COLUMN dq.rejected_rows.column_name IS 'The column header in the file whose value broke the check';
COMMENT ON COLUMN dq.rejected_rows.value IS 'The offending value as text';
COMMENT ON COLUMN dq.rejected_rows.check_name IS 'The check that failed, e.g. region_match, number_format, duplicate_key, row_total_matches';
COMMENT ON COLUMN dq.rejected_rows.reason IS 'What is wrong and what to do about it';
