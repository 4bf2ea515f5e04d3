-- dq.file_ledger: one row per raw file seen, for every source.
CREATE SCHEMA IF NOT EXISTS dq;

CREATE OR REPLACE TABLE dq.file_ledger AS
SELECT file_path, sha256, source, rows_read, rows_loaded, rows_rejected, rows_skipped, skipped_detail, status, error, notes, loaded_at, aliases_used
FROM (
    SELECT * FROM staging.participation_files
    UNION ALL BY NAME SELECT * FROM staging.workforce_files
    UNION ALL BY NAME SELECT * FROM staging.targets_files
    UNION ALL BY NAME SELECT * FROM staging.potential_files
    UNION ALL BY NAME SELECT * FROM staging.statements_files
    UNION ALL BY NAME SELECT * FROM staging.rentan_files
)
ORDER BY source, file_path;

COMMENT ON TABLE dq.file_ledger IS 'One row per raw file seen: what was read, loaded, rejected and skipped, and why a file failed. For every file rows_read = rows_loaded + rows_rejected + rows_skipped.';
COMMENT ON COLUMN dq.file_ledger.file_path IS 'Path of the file under the raw folder (JAMSOSTEK_RAW_DIR), e.g. participation/2021-09_kepesertaan_jatim.csv';
COMMENT ON COLUMN dq.file_ledger.sha256 IS 'SHA-256 of the file content when it was read';
COMMENT ON COLUMN dq.file_ledger.source IS 'Raw source (the folder): participation | workforce | targets | potential | statements | rentan';
COMMENT ON COLUMN dq.file_ledger.rows_read IS 'Non-blank rows below the header; in a wide layout each value cell (a segment or a year of a region) counts as a row';
COMMENT ON COLUMN dq.file_ledger.rows_loaded IS 'Rows that passed every check and were staged';
COMMENT ON COLUMN dq.file_ledger.rows_rejected IS 'Rows sent to dq.rejected_rows';
COMMENT ON COLUMN dq.file_ledger.rows_skipped IS 'Non-data rows: totals (kept in dq.stated_totals), section rows (KABUPATEN, KOTA) and footnotes';
COMMENT ON COLUMN dq.file_ledger.skipped_detail IS 'What the skipped rows were, e.g. "1 footnote, 2 section, 1 total"';
COMMENT ON COLUMN dq.file_ledger.status IS 'loaded (all rows) | partial (some rows rejected) | failed (file not read; see error) | unchanged (same content as last run; its rows were kept, not read again)';
COMMENT ON COLUMN dq.file_ledger.error IS 'Why a failed file could not be read, naming the file and the missing or broken thing';
COMMENT ON COLUMN dq.file_ledger.notes IS 'What was deliberately left unread in a file that was read, e.g. "hidden sheet ''Lama'' not read"';
COMMENT ON COLUMN dq.file_ledger.loaded_at IS 'When the file was last read (UTC)';
COMMENT ON COLUMN dq.file_ledger.aliases_used IS 'Region aliases (data/reference/region_aliases*.csv) that matched a row of the file';
