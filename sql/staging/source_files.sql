-- staging.{source}_files: the ledger rows of one raw source ({source} is filled in by the ingest asset).
CREATE SCHEMA IF NOT EXISTS staging;

CREATE TABLE IF NOT EXISTS staging.{source}_files (
    file_path VARCHAR,
    sha256 VARCHAR,
    source VARCHAR,
    rows_read BIGINT,
    rows_loaded BIGINT,
    rows_rejected BIGINT,
    rows_skipped BIGINT,
    skipped_detail VARCHAR,
    status VARCHAR,
    error VARCHAR,
    loaded_at TIMESTAMP,
    ingest_version VARCHAR,
    aliases_used VARCHAR[],
    notes VARCHAR
);

COMMENT ON TABLE staging.{source}_files IS 'One row per {source} file seen by the last ingest; dq.file_ledger unions these for every source.';
COMMENT ON COLUMN staging.{source}_files.file_path IS 'Path under the raw folder';
COMMENT ON COLUMN staging.{source}_files.sha256 IS 'SHA-256 of the file when it was read';
COMMENT ON COLUMN staging.{source}_files.source IS 'Raw source';
COMMENT ON COLUMN staging.{source}_files.rows_read IS 'Rows read below the header (in a wide layout, value cells)';
COMMENT ON COLUMN staging.{source}_files.rows_loaded IS 'Rows staged';
COMMENT ON COLUMN staging.{source}_files.rows_rejected IS 'Rows quarantined';
COMMENT ON COLUMN staging.{source}_files.rows_skipped IS 'Totals, section and footnote rows';
COMMENT ON COLUMN staging.{source}_files.skipped_detail IS 'What the skipped rows were';
COMMENT ON COLUMN staging.{source}_files.status IS 'loaded | partial | failed | unchanged';
COMMENT ON COLUMN staging.{source}_files.error IS 'Why a failed file could not be read';
COMMENT ON COLUMN staging.{source}_files.loaded_at IS 'When the file was last read (UTC)';
COMMENT ON COLUMN staging.{source}_files.ingest_version IS 'Version of the ingest code and reference data that read it';
COMMENT ON COLUMN staging.{source}_files.aliases_used IS 'Region aliases that matched a row of the file';
COMMENT ON COLUMN staging.{source}_files.notes IS 'What was deliberately not read, e.g. a hidden sheet';
