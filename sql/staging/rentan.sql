-- staging.rentan: vulnerable-worker roster rows, pseudonymised: no NIK and no name ever reach this table.
CREATE SCHEMA IF NOT EXISTS staging;

CREATE TABLE IF NOT EXISTS staging.rentan (
    worker_key VARCHAR,
    region_code VARCHAR,
    nik_region_code VARCHAR,
    kecamatan VARCHAR,
    desa VARCHAR,
    occupation VARCHAR,
    funding_source VARCHAR,
    funder VARCHAR,
    program VARCHAR,
    start_period DATE,
    end_period DATE,
    file_path VARCHAR,
    sheet VARCHAR,
    row_number BIGINT,
    file_sha256 VARCHAR
);

COMMENT ON TABLE staging.rentan IS 'Roster rows of vulnerable workers whose BPU contributions a government or CSR pays, one per file row. The NIK is replaced by worker_key and the name is dropped at ingest.';
COMMENT ON COLUMN staging.rentan.worker_key IS 'Pseudonym of the NIK: HMAC-SHA256 under JAMSOSTEK_PII_KEY; the same person has the same key in every roster';
COMMENT ON COLUMN staging.rentan.region_code IS 'Kemendagri code of the roster''s Kab/Kota column';
COMMENT ON COLUMN staging.rentan.nik_region_code IS 'Kab/kota where the NIK was issued (its digits 1-4), as a Kemendagri code';
COMMENT ON COLUMN staging.rentan.kecamatan IS 'Kecamatan as written in the roster';
COMMENT ON COLUMN staging.rentan.desa IS 'Desa/kelurahan as written in the roster';
COMMENT ON COLUMN staging.rentan.occupation IS 'Pekerjaan, e.g. Petani, Nelayan, Pedagang Kecil';
COMMENT ON COLUMN staging.rentan.funding_source IS 'APBD | DBHCHT | CSR';
COMMENT ON COLUMN staging.rentan.funder IS 'Who pays, as written after the funding source, e.g. Kota Pasuruan';
COMMENT ON COLUMN staging.rentan.program IS 'Programmes covered, e.g. JKK+JKM';
COMMENT ON COLUMN staging.rentan.start_period IS 'First covered month';
COMMENT ON COLUMN staging.rentan.end_period IS 'Last covered month';
COMMENT ON COLUMN staging.rentan.file_path IS 'Raw file the row came from';
COMMENT ON COLUMN staging.rentan.sheet IS 'Sheet of that file (empty for csv)';
COMMENT ON COLUMN staging.rentan.row_number IS 'Row number in that sheet, as a spreadsheet program shows it';
COMMENT ON COLUMN staging.rentan.file_sha256 IS 'SHA-256 of the file when it was read';

CREATE TABLE IF NOT EXISTS staging.rentan_key (
    key_check VARCHAR,
    recorded_at TIMESTAMP
);

COMMENT ON TABLE staging.rentan_key IS 'Which JAMSOSTEK_PII_KEY made the worker_keys in staging.rentan, as a fingerprint (a keyed hash of a constant, which reveals nothing of the key): a run with another key stops instead of mixing pseudonyms.';
COMMENT ON COLUMN staging.rentan_key.key_check IS 'HMAC-SHA256 of a fixed text under the key, first 16 hex digits';
COMMENT ON COLUMN staging.rentan_key.recorded_at IS 'When the rosters were last read under this key (UTC)';
