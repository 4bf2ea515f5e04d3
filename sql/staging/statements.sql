-- staging.statements: published statements (press releases, speeches) as they were said, typed, with provenance.
CREATE SCHEMA IF NOT EXISTS staging;

CREATE TABLE IF NOT EXISTS staging.statements (
    statement_id VARCHAR,
    region_code VARCHAR,
    period DATE,
    period_grain VARCHAR,
    stated_on DATE,
    stated_as_of VARCHAR,
    segment VARCHAR,
    stated_participants BIGINT,
    stated_participants_precision DOUBLE,
    stated_denominator BIGINT,
    stated_denominator_precision DOUBLE,
    denominator_kind VARCHAR,
    denominator_words VARCHAR,
    stated_coverage_pct DOUBLE,
    stated_coverage_pct_precision DOUBLE,
    stated_pu BIGINT,
    stated_bpu BIGINT,
    stated_jakon BIGINT,
    stated_pmi BIGINT,
    stated_formal BIGINT,
    stated_informal BIGINT,
    stated_parts_precision DOUBLE,
    target_value DOUBLE,
    target_value_precision DOUBLE,
    target_metric VARCHAR,
    target_deadline DATE,
    stated_gap BIGINT,
    stated_gap_precision DOUBLE,
    source VARCHAR,
    url VARCHAR,
    not_parsed VARCHAR,
    file_path VARCHAR,
    sheet VARCHAR,
    row_number BIGINT,
    file_sha256 VARCHAR
);

COMMENT ON TABLE staging.statements IS 'Published statements that passed ingest, one per file row, with the figures as stated.';
COMMENT ON COLUMN staging.statements.statement_id IS 'Identifier given in the file, if any';
COMMENT ON COLUMN staging.statements.region_code IS 'Kemendagri code the region cells matched to';
COMMENT ON COLUMN staging.statements.period IS 'First day of the month the statement speaks of (of the year, for a yearly statement)';
COMMENT ON COLUMN staging.statements.period_grain IS 'month | year: whether the statement speaks of a month or of a whole year';
COMMENT ON COLUMN staging.statements.stated_on IS 'The as-of date as precisely as stated: the day if given, else the first of the month, or 31 December for a year';
COMMENT ON COLUMN staging.statements.stated_as_of IS 'The as-of date or month as the file wrote it';
COMMENT ON COLUMN staging.statements.segment IS 'ALL | PU | BPU | JAKON | PMI: what the stated figures cover';
COMMENT ON COLUMN staging.statements.stated_participants IS 'Participants as stated';
COMMENT ON COLUMN staging.statements.stated_participants_precision IS 'Half a unit of the last digit stated (5,000 for 2,45 juta)';
COMMENT ON COLUMN staging.statements.stated_denominator IS 'Denominator as stated';
COMMENT ON COLUMN staging.statements.stated_denominator_precision IS 'Half a unit of the last digit of the stated denominator';
COMMENT ON COLUMN staging.statements.denominator_kind IS 'bps_employed | potential | other; NULL when the statement does not say';
COMMENT ON COLUMN staging.statements.denominator_words IS 'What the statement said it divided by, in its own words';
COMMENT ON COLUMN staging.statements.stated_coverage_pct IS 'Coverage percentage as stated';
COMMENT ON COLUMN staging.statements.stated_coverage_pct_precision IS 'Half a unit of the last decimal stated, in points (0.5 for 80%)';
COMMENT ON COLUMN staging.statements.stated_pu IS 'PU participants as stated';
COMMENT ON COLUMN staging.statements.stated_bpu IS 'BPU participants as stated';
COMMENT ON COLUMN staging.statements.stated_jakon IS 'Jakon participants as stated';
COMMENT ON COLUMN staging.statements.stated_pmi IS 'PMI participants as stated';
COMMENT ON COLUMN staging.statements.stated_formal IS 'Formal participants (PU + Jakon) as stated';
COMMENT ON COLUMN staging.statements.stated_informal IS 'Informal participants (BPU) as stated';
COMMENT ON COLUMN staging.statements.stated_parts_precision IS 'The coarsest precision of the segment, formal and informal figures stated';
COMMENT ON COLUMN staging.statements.target_value IS 'A target the statement announces, as stated';
COMMENT ON COLUMN staging.statements.target_value_precision IS 'Half a unit of the last digit of that target';
COMMENT ON COLUMN staging.statements.target_metric IS 'coverage_pct | active_participants: whether that target is a percentage or people';
COMMENT ON COLUMN staging.statements.target_deadline IS 'First day of the month of that target''s deadline (December for a year)';
COMMENT ON COLUMN staging.statements.stated_gap IS 'People the statement says are still needed to reach the target';
COMMENT ON COLUMN staging.statements.stated_gap_precision IS 'Half a unit of the last digit of that gap';
COMMENT ON COLUMN staging.statements.source IS 'Who said it, where and when';
COMMENT ON COLUMN staging.statements.url IS 'Where the statement was published';
COMMENT ON COLUMN staging.statements.not_parsed IS 'Optional cells that could not be read, each with its reason; those figures are NULL and not checked';
COMMENT ON COLUMN staging.statements.file_path IS 'Raw file the row came from';
COMMENT ON COLUMN staging.statements.sheet IS 'Sheet of that file (empty for csv)';
COMMENT ON COLUMN staging.statements.row_number IS 'Row number in that sheet, as a spreadsheet program shows it';
COMMENT ON COLUMN staging.statements.file_sha256 IS 'SHA-256 of the file when it was read';
