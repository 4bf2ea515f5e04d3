-- core.potential: one potential-workers figure per region x year x segment; a later file revises an earlier one.
CREATE SCHEMA IF NOT EXISTS core;

CREATE OR REPLACE TABLE core.potential AS
SELECT year, region_code, segment, potential_workers, source, file_path
FROM staging.potential
QUALIFY row_number() OVER (PARTITION BY year, region_code, segment ORDER BY file_path DESC, row_number DESC) = 1
ORDER BY year, region_code, segment;

COMMENT ON TABLE core.potential IS 'Potential or eligible workers (an alternative denominator from planning documents and statements), one per region x year x segment.';
COMMENT ON COLUMN core.potential.year IS 'Year the figure is for';
COMMENT ON COLUMN core.potential.region_code IS 'Kemendagri code';
COMMENT ON COLUMN core.potential.segment IS 'ALL | PU | BPU | JAKON | PMI';
COMMENT ON COLUMN core.potential.potential_workers IS 'Potential (eligible) workers as stated by the source';
COMMENT ON COLUMN core.potential.source IS 'Who published the figure, where and when';
COMMENT ON COLUMN core.potential.file_path IS 'Raw file the figure came from';
