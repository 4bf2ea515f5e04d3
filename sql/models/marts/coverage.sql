-- marts.coverage: coverage (UCJ) per period x region x segment, with its denominator and the denominator's year.
WITH matched AS (
    -- The denominator is the latest BPS year at or before the period's year.
    SELECT p.*, w.year AS bps_year, w.employed, w.formal, w.informal
    FROM {{ ref('participation') }} p
    ASOF LEFT JOIN {{ ref('workforce') }} w ON w.region_code = p.region_code AND year(p.period) >= w.year
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
JOIN {{ source('ref', 'regions') }} r USING (region_code)
ORDER BY period, region_code = 'ID' DESC, region_code, segment
