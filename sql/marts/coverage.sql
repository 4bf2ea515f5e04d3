-- marts.coverage: coverage (UCJ) per period x region x segment, with its denominator and the denominator's year.
CREATE SCHEMA IF NOT EXISTS marts;

CREATE OR REPLACE TABLE marts.coverage AS
WITH matched AS (
    -- The denominator is the latest BPS year at or before the period's year.
    SELECT p.*, w.year AS bps_year, w.employed, w.formal, w.informal
    FROM core.participation p
    ASOF LEFT JOIN core.workforce w ON w.region_code = p.region_code AND year(p.period) >= w.year
),
with_denominator AS (
    SELECT *,
        CASE segment WHEN 'ALL' THEN employed WHEN 'PU' THEN formal WHEN 'BPU' THEN informal END AS denominator
    FROM matched
)
SELECT
    m.period::DATE AS period,
    m.region_code,
    r.region_name,
    r.region_level,
    r.province_code,
    m.segment,
    m.active_participants::BIGINT AS active_participants,
    m.denominator::BIGINT AS workforce,
    CASE WHEN m.denominator IS NOT NULL THEN
        CASE m.segment WHEN 'ALL' THEN 'bps_employed' WHEN 'PU' THEN 'bps_formal' WHEN 'BPU' THEN 'bps_informal' END
    END AS workforce_basis,
    CASE WHEN m.denominator IS NOT NULL THEN m.bps_year END::INTEGER AS workforce_year,
    -- Computed whenever there is a denominator, whichever segments were reported (segments_reported says which);
    -- only a rollup that misses whole kab/kota gets none, because it would understate coverage.
    CASE WHEN m.denominator > 0 AND m.is_complete THEN 100.0 * m.active_participants / m.denominator END AS coverage_pct,
    m.segments_reported,
    m.participants_source,
    m.regions_reporting::INTEGER AS regions_reporting,
    m.regions_expected::INTEGER AS regions_expected,
    m.is_complete
FROM with_denominator m
JOIN ref.regions r USING (region_code)
ORDER BY period, region_code = 'ID' DESC, region_code, segment;

COMMENT ON TABLE marts.coverage IS 'Employment social-security coverage (UCJ): one row per period x region_code x segment. ALL is the sum of the segments reported (segments_reported). Kab/kota rows as reported; province rows as reported or rolled up from kab/kota; national (ID) rolled up from provinces.';
COMMENT ON COLUMN marts.coverage.period IS 'First day of the month';
COMMENT ON COLUMN marts.coverage.region_code IS 'Kemendagri code: 35 (province), 35.75 (kab/kota), ID (national)';
COMMENT ON COLUMN marts.coverage.region_name IS 'Official region name, e.g. Kota Pasuruan';
COMMENT ON COLUMN marts.coverage.region_level IS 'national | province | regency | city';
COMMENT ON COLUMN marts.coverage.province_code IS 'Kemendagri code of the province (NULL for national)';
COMMENT ON COLUMN marts.coverage.segment IS 'PU (Penerima Upah) | BPU (Bukan Penerima Upah) | JAKON (Jasa Konstruksi) | PMI (Pekerja Migran Indonesia) | ALL';
COMMENT ON COLUMN marts.coverage.active_participants IS 'Active participants (peserta aktif)';
COMMENT ON COLUMN marts.coverage.workforce IS 'The denominator: BPS employed persons (ALL), formal (PU) or informal (BPU) workers; NULL for JAKON and PMI and where BPS has no figure';
COMMENT ON COLUMN marts.coverage.workforce_basis IS 'bps_employed for ALL, bps_formal for PU, bps_informal for BPU; NULL when there is no denominator';
COMMENT ON COLUMN marts.coverage.workforce_year IS 'BPS year of the denominator: the latest year at or before the period''s year';
COMMENT ON COLUMN marts.coverage.coverage_pct IS 'active_participants / workforce x 100, whichever segments were reported. NULL without a denominator or for a rollup that misses whole kab/kota (is_complete = false). Values above 100 are kept and flagged by a check';
COMMENT ON COLUMN marts.coverage.segments_reported IS 'Segments active_participants is made of, e.g. PU,BPU: for ALL the segments the source reported for that region and month (reports often list only PU and BPU); a check lists ALL rows missing PU or BPU';
COMMENT ON COLUMN marts.coverage.participants_source IS 'reported: from a file for this region; rolled_up: summed from the level below';
COMMENT ON COLUMN marts.coverage.regions_reporting IS 'Rolled-up rows: regions of the level below with a figure for this segment (kab/kota for a province, complete provinces for ID)';
COMMENT ON COLUMN marts.coverage.regions_expected IS 'Province and national rows: regions the level below has';
COMMENT ON COLUMN marts.coverage.is_complete IS 'False only for a rollup that misses whole regions below (regions_reporting < regions_expected); such rows keep their participants but get no coverage_pct';
