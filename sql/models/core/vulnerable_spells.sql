-- core.vulnerable_spells: each worker's insured spells per region, funding source and occupation: the roster
-- rows of one person merged where they overlap or follow on, so a month is never counted twice.
WITH listed AS (
    SELECT s.worker_key, s.region_code, r.province_code, s.funding_source, s.occupation, s.start_period, s.end_period
    FROM {{ source('staging', 'rentan') }} s
    JOIN {{ source('ref', 'regions') }} r USING (region_code)
),
listed_more_than_once AS (
    SELECT worker_key, region_code, funding_source, occupation FROM listed GROUP BY ALL HAVING count(*) > 1
),
several AS (
    -- Gaps and islands, only for the few people listed more than once: a row opens a new spell when it starts
    -- after the month following everything listed before it.
    SELECT *, sum(opens_spell::INTEGER) OVER (PARTITION BY worker_key, region_code, funding_source, occupation
                                              ORDER BY start_period, end_period ROWS UNBOUNDED PRECEDING) AS spell
    FROM (
        SELECT *, coalesce(start_period > max(end_period) OVER (
                               PARTITION BY worker_key, region_code, funding_source, occupation ORDER BY start_period, end_period
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + INTERVAL 1 MONTH, true) AS opens_spell
        FROM listed SEMI JOIN listed_more_than_once USING (worker_key, region_code, funding_source, occupation)
    )
)
SELECT worker_key, region_code, province_code, funding_source, occupation, start_period, end_period, 1 AS roster_rows
FROM listed ANTI JOIN listed_more_than_once USING (worker_key, region_code, funding_source, occupation)
UNION ALL
SELECT worker_key, region_code, province_code, funding_source, occupation, min(start_period), max(end_period), count(*)
FROM several
GROUP BY worker_key, region_code, province_code, funding_source, occupation, spell
