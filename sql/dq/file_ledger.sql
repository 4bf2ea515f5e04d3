-- dq.file_ledger: one row per raw file seen by the last ingest of its source. Each ingest replaces its own source's rows.
CREATE SCHEMA IF NOT EXISTS dq;

CREATE TABLE IF NOT EXISTS dq.file_ledger (
    file_path VARCHAR,
    sha256 VARCHAR,
    source VARCHAR,
    rows_read BIGINT,
    rows_loaded BIGINT,
    rows_rejected BIGINT,
    status VARCHAR,
    error VARCHAR,
    loaded_at TIMESTAMP
);

COMMENT ON TABLE dq.file_ledger IS 'One row per raw file seen: what was read, loaded and rejected, and why a file failed. rows_read = rows_loaded + rows_rejected for every file.';
COMMENT ON COLUMN dq.file_ledger.file_path IS 'Path of the file under the raw folder (JAMSOSTEK_RAW_DIR), e.g. participation/2021-09_kepesertaan_jatim.csv';
COMMENT ON COLUMN dq.file_ledger.sha256 IS 'SHA-256 of the file content when it was read';
COMMENT ON COLUMN dq.file_ledger.source IS 'Raw source (the folder): participation | workforce | targets';
COMMENT ON COLUMN dq.file_ledger.rows_read IS 'Non-blank rows below the header';
COMMENT ON COLUMN dq.file_ledger.rows_loaded IS 'Rows that passed every check and were staged';
COMMENT ON COLUMN dq.file_ledger.rows_rejected IS 'Rows sent to dq.rejected_rows';
COMMENT ON COLUMN dq.file_ledger.status IS 'loaded (all rows) | partial (some rows rejected) | failed (file not read; see error) | unchanged';
COMMENT ON COLUMN dq.file_ledger.error IS 'Why a failed file could not be read, naming the file and the missing or broken thing';
COMMENT ON COLUMN dq.file_ledger.loaded_at IS 'When the file was ingested (UTC)';
