-- staging.workforce: BPS employed persons by region and year, typed, with provenance.
CREATE SCHEMA IF NOT EXISTS staging;

CREATE TABLE IF NOT EXISTS staging.workforce (
    year INTEGER,
    region_code VARCHAR,
    employed BIGINT,
    formal BIGINT,
    informal BIGINT,
    file_path VARCHAR,
    sheet VARCHAR,
    row_number BIGINT,
    file_sha256 VARCHAR
);

COMMENT ON TABLE staging.workforce IS 'BPS workforce rows that passed ingest, one per file row (region x year).';
COMMENT ON COLUMN staging.workforce.year IS 'Survey year (Sakernas August round for kab/kota figures)';
COMMENT ON COLUMN staging.workforce.region_code IS 'Kemendagri code the region cells matched to (BPS codes go through the crosswalk)';
COMMENT ON COLUMN staging.workforce.employed IS 'Penduduk bekerja: employed persons aged 15+';
COMMENT ON COLUMN staging.workforce.formal IS 'Employed persons in formal work (main-job status 3 or 4), when given';
COMMENT ON COLUMN staging.workforce.informal IS 'Employed persons in informal work (all other statuses), when given';
COMMENT ON COLUMN staging.workforce.file_path IS 'Raw file the row came from';
COMMENT ON COLUMN staging.workforce.sheet IS 'Sheet of that file (empty for csv)';
COMMENT ON COLUMN staging.workforce.row_number IS 'Row number in that sheet, as a spreadsheet program shows it';
COMMENT ON COLUMN staging.workforce.file_sha256 IS 'SHA-256 of the file when it was read';
