-- staging.participation: typed participation rows exactly as the files gave them, with provenance.
CREATE SCHEMA IF NOT EXISTS staging;

CREATE TABLE IF NOT EXISTS staging.participation (
    period DATE,
    region_code VARCHAR,
    segment VARCHAR,
    active_participants BIGINT,
    new_participants BIGINT,
    inactive_participants BIGINT,
    file_path VARCHAR,
    sheet VARCHAR,
    row_number BIGINT,
    file_sha256 VARCHAR
);

COMMENT ON TABLE staging.participation IS 'Participation rows that passed ingest, one per file row (period x region x segment), before duplicates across files are resolved.';
COMMENT ON COLUMN staging.participation.period IS 'First day of the reported month';
COMMENT ON COLUMN staging.participation.region_code IS 'Kemendagri code the region cells matched to';
COMMENT ON COLUMN staging.participation.segment IS 'PU | BPU | JAKON | PMI';
COMMENT ON COLUMN staging.participation.active_participants IS 'Active participants (peserta aktif)';
COMMENT ON COLUMN staging.participation.new_participants IS 'New participants in the month, when the file gives them';
COMMENT ON COLUMN staging.participation.inactive_participants IS 'Non-active participants, when the file gives them';
COMMENT ON COLUMN staging.participation.file_path IS 'Raw file the row came from';
COMMENT ON COLUMN staging.participation.sheet IS 'Sheet of that file (empty for csv)';
COMMENT ON COLUMN staging.participation.row_number IS 'Row number in that sheet, as a spreadsheet program shows it';
COMMENT ON COLUMN staging.participation.file_sha256 IS 'SHA-256 of the file when it was read';
