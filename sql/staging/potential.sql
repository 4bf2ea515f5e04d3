-- staging.potential: potential or eligible workers by region, year and segment (an alternative denominator).
CREATE SCHEMA IF NOT EXISTS staging;

CREATE TABLE IF NOT EXISTS staging.potential (
    year INTEGER,
    region_code VARCHAR,
    segment VARCHAR,
    potential_workers BIGINT,
    source VARCHAR,
    file_path VARCHAR,
    sheet VARCHAR,
    row_number BIGINT,
    file_sha256 VARCHAR
);

COMMENT ON TABLE staging.potential IS 'Potential or eligible workers from planning documents and statements, one per file row (region x year x segment).';
COMMENT ON COLUMN staging.potential.year IS 'Year the figure is for';
COMMENT ON COLUMN staging.potential.region_code IS 'Kemendagri code the region cells matched to';
COMMENT ON COLUMN staging.potential.segment IS 'ALL | PU | BPU | JAKON | PMI';
COMMENT ON COLUMN staging.potential.potential_workers IS 'Potential (eligible) workers as stated by the source';
COMMENT ON COLUMN staging.potential.source IS 'Who published the figure, where and when';
COMMENT ON COLUMN staging.potential.file_path IS 'Raw file the row came from';
COMMENT ON COLUMN staging.potential.sheet IS 'Sheet of that file (empty for csv)';
COMMENT ON COLUMN staging.potential.row_number IS 'Row number in that sheet, as a spreadsheet program shows it';
COMMENT ON COLUMN staging.potential.file_sha256 IS 'SHA-256 of the file when it was read';
