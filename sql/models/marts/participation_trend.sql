-- marts.participation_trend: month-on-month and year-on-year change in active participants.
WITH figures AS (
    -- Incomplete rollups would show regions dropping in and out as growth, and an ALL made of other segments
    -- (PU+BPU one month, PU+BPU+JAKON the next) a segment appearing, so neither takes part in changes.
    SELECT period, region_code, segment, active_participants, segments_reported, is_complete FROM {{ ref('participation') }}
),
compared AS (
    SELECT f.*,
           prev.active_participants AS previous_month,
           f.is_complete AND prev.is_complete AND f.segments_reported = prev.segments_reported AS month_comparable,
           last_year.active_participants AS last_year,
           f.is_complete AND last_year.is_complete AND f.segments_reported = last_year.segments_reported AS year_comparable
    FROM figures f
    LEFT JOIN figures prev
        ON prev.region_code = f.region_code AND prev.segment = f.segment AND prev.period = f.period - INTERVAL 1 MONTH
    LEFT JOIN figures last_year
        ON last_year.region_code = f.region_code AND last_year.segment = f.segment AND last_year.period = f.period - INTERVAL 12 MONTH
)
SELECT
    f.period::DATE AS period,
    f.region_code,
    r.region_name,
    r.region_level,
    f.segment,
    f.active_participants::BIGINT AS active_participants,
    f.segments_reported,
    CASE WHEN f.month_comparable THEN f.active_participants - f.previous_month END::BIGINT AS mom_change,
    CASE WHEN f.year_comparable THEN f.active_participants - f.last_year END::BIGINT AS yoy_change,
    CASE WHEN f.year_comparable AND f.last_year > 0 THEN 100.0 * (f.active_participants - f.last_year) / f.last_year END AS yoy_pct
FROM compared f
JOIN {{ source('ref', 'regions') }} r USING (region_code)
ORDER BY period, region_code = 'ID' DESC, region_code, segment
