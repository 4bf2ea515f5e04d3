-- marts.coverage_potential: coverage against potential-worker figures (workforce_basis = 'potential'),
-- each checked against BPS employed persons, because a potential larger than everyone employed cannot be true.
WITH matched AS (
    -- The potential figure is the latest one at or before the period's year, for the same segment.
    SELECT p.period, p.region_code, p.segment, p.active_participants, p.is_complete,
           pot.year AS potential_year, pot.potential_workers, pot.source
    FROM {{ ref('participation') }} p
    ASOF JOIN {{ ref('potential') }} pot ON pot.region_code = p.region_code AND pot.segment = p.segment AND year(p.period) >= pot.year
),
bps_august AS (
    -- BPS employed persons, the August round: the workforce/ files and, for every province, the BPS seed.
    SELECT region_code, year, figure AS employed, precision_persons FROM {{ ref('bps_published') }}
    WHERE basis = 'bps_employed' AND survey_month = 8
),
with_bps AS (
    SELECT m.*, w.year AS bps_year, w.employed AS bps_employed, w.precision_persons AS bps_precision
    FROM matched m
    ASOF LEFT JOIN bps_august w ON w.region_code = m.region_code AND m.potential_year >= w.year
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
    -- Beyond what BPS counted even at the coarsest reading of its published figure ("4,40 juta" is up to 4,405,000).
    coalesce(b.potential_workers > b.bps_employed + b.bps_precision, false) AS exceeds_bps_employed,
    -- The BPS-based figure of marts.coverage beside it: official UCJ statements often use the other one.
    c.coverage_pct AS bps_coverage_pct,
    c.workforce_basis AS bps_basis
FROM with_bps b
JOIN {{ source('ref', 'regions') }} r USING (region_code)
LEFT JOIN {{ ref('coverage') }} c ON c.period = b.period AND c.region_code = b.region_code AND c.segment = b.segment
ORDER BY period, region_code, segment
