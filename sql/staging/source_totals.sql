-- staging.{source}_totals: what totals rows ("Jumlah", "Total", the province's name) of one source state.
CREATE SCHEMA IF NOT EXISTS staging;

CREATE TABLE IF NOT EXISTS staging.{source}_totals (
    source VARCHAR,
    file_path VARCHAR,
    sheet VARCHAR,
    row_number BIGINT,
    label VARCHAR,
    scope VARCHAR,
    period DATE,
    year INTEGER,
    segment VARCHAR,
    stated_value DOUBLE
);

COMMENT ON TABLE staging.{source}_totals IS 'Totals rows of {source} files, kept as cross-checks; dq.stated_totals compares them with the loaded rows.';
COMMENT ON COLUMN staging.{source}_totals.source IS 'Raw source';
COMMENT ON COLUMN staging.{source}_totals.file_path IS 'Path under the raw folder';
COMMENT ON COLUMN staging.{source}_totals.sheet IS 'Sheet name (empty for csv)';
COMMENT ON COLUMN staging.{source}_totals.row_number IS 'Row number of the totals row';
COMMENT ON COLUMN staging.{source}_totals.label IS 'The label cell, e.g. Jumlah, Total, Jawa Timur';
COMMENT ON COLUMN staging.{source}_totals.scope IS 'all | regency (a Jumlah Kabupaten subtotal) | city (Jumlah Kota)';
COMMENT ON COLUMN staging.{source}_totals.period IS 'Participation: the month of the total';
COMMENT ON COLUMN staging.{source}_totals.year IS 'Workforce: the year of the total';
COMMENT ON COLUMN staging.{source}_totals.segment IS 'Participation: the segment, or ALL for a Total column';
COMMENT ON COLUMN staging.{source}_totals.stated_value IS 'The figure the file states';
