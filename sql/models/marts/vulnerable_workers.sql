-- marts.vulnerable_workers: insured vulnerable workers per period x region x funding source x occupation,
-- with ALL rows that count a person once however many rosters list them, rolled up to province and national.
-- Computed from spells (start and stop events), not worker-months: a national roster has millions of workers.
WITH cells AS (
    -- Every spell counts in 12 cells: kab/kota, province and national, each by (funding source or ALL) x
    -- (occupation or ALL).
    SELECT * FROM (VALUES ('kabkota'), ('province'), ('national')) AS l(level),
                  (VALUES (false, false), (false, true), (true, false), (true, true)) AS g(all_funding, all_occupation)
),
single_spell_changes AS (
    -- Most people have one spell: count their starts and stops per kab/kota, funder, occupation and month, never
    -- one by one. A spell starts in its first month and stops in the month after its last.
    SELECT region_code, province_code, funding_source, occupation, period, sum(starting) AS starting, sum(stopping) AS stopping
    FROM (
        SELECT region_code, province_code, funding_source, occupation, start_period AS period, 1 AS starting, 0 AS stopping
        FROM {{ ref('vulnerable_spells') }} WHERE worker_spells = 1
        UNION ALL
        SELECT region_code, province_code, funding_source, occupation, (end_period + INTERVAL 1 MONTH)::DATE, 0, 1
        FROM {{ ref('vulnerable_spells') }} WHERE worker_spells = 1
    )
    GROUP BY ALL
),
several_in_cells AS (
    SELECT s.worker_key,
           CASE c.level WHEN 'kabkota' THEN s.region_code WHEN 'province' THEN s.province_code ELSE 'ID' END AS area,
           CASE WHEN c.all_funding THEN 'ALL' ELSE s.funding_source END AS funding_source,
           CASE WHEN c.all_occupation THEN 'ALL' ELSE s.occupation END AS occupation,
           s.start_period, s.end_period
    FROM {{ ref('vulnerable_spells') }} s
    CROSS JOIN cells c
    WHERE s.worker_spells > 1
),
several_merged AS (
    -- A person with several spells counts once in an ALL cell: their spells there merged by the same rule.
    {{ merge_spells('several_in_cells', ['worker_key', 'area', 'funding_source', 'occupation']) }}
),
changes AS (
    SELECT area, funding_source, occupation, period, sum(starting) AS starting, sum(stopping) AS stopping
    FROM (
        SELECT CASE c.level WHEN 'kabkota' THEN s.region_code WHEN 'province' THEN s.province_code ELSE 'ID' END AS area,
               CASE WHEN c.all_funding THEN 'ALL' ELSE s.funding_source END AS funding_source,
               CASE WHEN c.all_occupation THEN 'ALL' ELSE s.occupation END AS occupation,
               s.period, s.starting, s.stopping
        FROM single_spell_changes s CROSS JOIN cells c
        UNION ALL
        SELECT area, funding_source, occupation, start_period, 1, 0 FROM several_merged
        UNION ALL
        SELECT area, funding_source, occupation, (end_period + INTERVAL 1 MONTH)::DATE, 0, 1 FROM several_merged
    )
    GROUP BY ALL
),
running AS (
    -- Between two changes the number insured is constant.
    SELECT *,
           sum(starting - stopping) OVER w AS insured,
           lead(period) OVER w AS next_change,
           lead(stopping) OVER w AS stopping_at_next_change
    FROM changes
    WINDOW w AS (PARTITION BY area, funding_source, occupation ORDER BY period)
),
monthly AS (
    SELECT *, unnest(generate_series(period, next_change - INTERVAL 1 MONTH, INTERVAL 1 MONTH))::DATE AS month
    FROM running
    WHERE insured > 0
)
SELECT
    m.month AS period,
    m.area AS region_code,
    r.region_name,
    r.region_level,
    r.province_code,
    m.funding_source,
    m.occupation,
    m.insured::BIGINT AS insured_workers,
    (CASE WHEN m.month = m.period THEN m.starting ELSE 0 END)::BIGINT AS new_workers,
    (CASE WHEN m.month + INTERVAL 1 MONTH = m.next_change THEN m.stopping_at_next_change ELSE 0 END)::BIGINT AS ended_workers,
    m.insured::BIGINT * {{ bpu_contribution('m.month') }} AS contribution_idr
FROM monthly m
JOIN {{ source('ref', 'regions') }} r ON r.region_code = m.area
ORDER BY m.month, m.area = 'ID' DESC, m.area, m.funding_source, m.occupation
