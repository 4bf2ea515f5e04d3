-- dq.stated_totals: every totals row of a file next to the sum of the rows loaded from the same table.
WITH totals AS (
    SELECT * FROM {{ source('staging', 'participation_totals') }}
    UNION ALL BY NAME SELECT * FROM {{ source('staging', 'workforce_totals') }}
),
participation_sums AS (
    SELECT p.file_path, p.sheet, p.period, p.segment, r.region_level, sum(p.active_participants) AS loaded
    FROM {{ source('staging', 'participation') }} p JOIN {{ source('ref', 'regions') }} r USING (region_code)
    WHERE r.region_level IN ('regency', 'city')
    GROUP BY ALL
),
workforce_sums AS (
    SELECT w.file_path, w.sheet, w.year, r.region_level, sum(w.employed) AS loaded
    FROM {{ source('staging', 'workforce') }} w JOIN {{ source('ref', 'regions') }} r USING (region_code)
    WHERE r.region_level IN ('regency', 'city')
    GROUP BY ALL
),
compared AS (
    SELECT t.*,
        CASE t.source
            WHEN 'participation' THEN (
                SELECT sum(s.loaded) FROM participation_sums s
                WHERE s.file_path = t.file_path AND s.sheet = t.sheet AND s.period = t.period
                  AND (t.segment = 'ALL' OR s.segment = t.segment) AND (t.scope = 'all' OR s.region_level = t.scope))
            WHEN 'workforce' THEN (
                SELECT sum(s.loaded) FROM workforce_sums s
                WHERE s.file_path = t.file_path AND s.sheet = t.sheet AND s.year = t.year
                  AND (t.scope = 'all' OR s.region_level = t.scope))
        END AS loaded_sum
    FROM totals t
)
SELECT source, file_path, sheet, row_number, label, scope, period, year, segment, stated_value,
       loaded_sum::DOUBLE AS loaded_sum,
       CASE WHEN stated_value > 0 THEN 100.0 * (coalesce(loaded_sum, 0) - stated_value) / stated_value END AS difference_pct
FROM compared
ORDER BY source, file_path, sheet, row_number, segment
