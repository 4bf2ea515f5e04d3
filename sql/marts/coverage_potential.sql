-- marts.coverage_potential: coverage against potential-worker figures (workforce_basis = 'potential'),
-- each checked against BPS employed persons, because a potential larger than everyone employed cannot be true.
CREATE SCHEMA IF NOT EXISTS marts;

CREATE OR REPLACE TABLE marts.coverage_potential AS
WITH matched AS (
    -- The potential figure is the latest one at or before the period's year, for the same segment.
    SELECT p.period, p.region_code, p.segment, p.active_participants, p.is_complete,
           pot.year AS potential_year, pot.potential_workers, pot.source
    FROM core.participation p
    ASOF JOIN core.potential pot ON pot.region_code = p.region_code AND pot.segment = p.segment AND year(p.period) >= pot.year
),
with_bps AS (
    SELECT m.*, w.year AS bps_year, w.employed AS bps_employed
    FROM matched m
    ASOF LEFT JOIN core.workforce w ON w.region_code = m.region_code AND m.potential_year >= w.year
)
SELECT
    b.period::DATE AS period,
    b.region_code,
    r.region_name,
    r.region_level,
    r.province_code,
    b.segment,
    b.active_participants::BIGINT AS active_participants,
    b.potential_workers::BIGINT AS workforce,
    'potential' AS workforce_basis,
    b.potential_year::INTEGER AS workforce_year,
    CASE WHEN b.is_complete AND b.potential_workers > 0 THEN 100.0 * b.active_participants / b.potential_workers END AS coverage_pct,
    b.source AS denominator_source,
    b.bps_employed::BIGINT AS bps_employed,
    b.bps_year::INTEGER AS bps_year,
    coalesce(b.potential_workers > b.bps_employed, false) AS exceeds_bps_employed,
    -- The BPS-based figure of marts.coverage beside it: official UCJ statements often use the other one.
    c.coverage_pct AS bps_coverage_pct,
    c.workforce_basis AS bps_basis
FROM with_bps b
JOIN ref.regions r USING (region_code)
LEFT JOIN marts.coverage c ON c.period = b.period AND c.region_code = b.region_code AND c.segment = b.segment
ORDER BY period, region_code, segment;

COMMENT ON TABLE marts.coverage_potential IS 'Coverage against a potential or eligible-worker figure from planning documents (workforce_basis = potential): one row per period x region_code x segment that has such a figure. exceeds_bps_employed flags a denominator that cannot be true.';
COMMENT ON COLUMN marts.coverage_potential.period IS 'First day of the month';
COMMENT ON COLUMN marts.coverage_potential.region_code IS 'Kemendagri code';
COMMENT ON COLUMN marts.coverage_potential.region_name IS 'Official region name';
COMMENT ON COLUMN marts.coverage_potential.region_level IS 'national | province | regency | city';
COMMENT ON COLUMN marts.coverage_potential.province_code IS 'Kemendagri code of the province';
COMMENT ON COLUMN marts.coverage_potential.segment IS 'PU | BPU | JAKON | PMI | ALL';
COMMENT ON COLUMN marts.coverage_potential.active_participants IS 'Active participants (as in marts.coverage)';
COMMENT ON COLUMN marts.coverage_potential.workforce IS 'The denominator: potential (eligible) workers as stated by denominator_source';
COMMENT ON COLUMN marts.coverage_potential.workforce_basis IS 'Always potential';
COMMENT ON COLUMN marts.coverage_potential.workforce_year IS 'Year of the potential figure: the latest at or before the period''s year';
COMMENT ON COLUMN marts.coverage_potential.coverage_pct IS 'active_participants / workforce x 100; NULL for an incomplete rollup';
COMMENT ON COLUMN marts.coverage_potential.denominator_source IS 'Who published the potential figure, where and when';
COMMENT ON COLUMN marts.coverage_potential.bps_employed IS 'BPS employed persons in the region (latest year at or before workforce_year), for comparison';
COMMENT ON COLUMN marts.coverage_potential.bps_year IS 'BPS year of bps_employed';
COMMENT ON COLUMN marts.coverage_potential.exceeds_bps_employed IS 'True when the potential is larger than all employed persons BPS counts: the denominator cannot be true, so neither can the percentage';
COMMENT ON COLUMN marts.coverage_potential.bps_coverage_pct IS 'coverage_pct of marts.coverage for the same period, region and segment (BPS denominator), to read beside the potential-based figure';
COMMENT ON COLUMN marts.coverage_potential.bps_basis IS 'Denominator of bps_coverage_pct: bps_employed (ALL), bps_formal (PU) or bps_informal (BPU); NULL when BPS has none';
