-- marts.funding_overlaps: one person insured by two or more payers in the same month: a double payment to resolve,
-- whoever pays (APBD Kota Pasuruan and APBD Provinsi Jawa Timur are two payers) and whichever region each roster lists
-- the person in. Only people with more than one payer can overlap (core.vulnerable_spells counts them); their months
-- paid twice are the intersections of two payers' spells, so only those months are ever expanded.
WITH spells AS (
    SELECT * FROM {{ ref('vulnerable_spells') }} WHERE worker_funders > 1
),
paid AS (
    -- Each payer's spells of a worker, merged over regions and occupations: one payer never overlaps itself.
    {{ merge_spells('spells', ['worker_key', 'payer']) }}
),
paid_twice AS (
    SELECT a.worker_key, a.payer AS first_payer, b.payer AS second_payer,
           greatest(a.start_period, b.start_period) AS start_period, least(a.end_period, b.end_period) AS end_period
    FROM paid a
    JOIN paid b ON a.worker_key = b.worker_key AND a.payer < b.payer
               AND a.start_period <= b.end_period AND b.start_period <= a.end_period
),
payers_by_month AS (
    -- Three payers in one month are three pairs: their payers, each once.
    SELECT period, worker_key, list_sort(list_distinct(flatten(list([first_payer, second_payer])))) AS payers
    FROM (
        SELECT unnest(generate_series(start_period, end_period, INTERVAL 1 MONTH))::DATE AS period, worker_key,
               first_payer, second_payer
        FROM paid_twice
    )
    GROUP BY period, worker_key
),
listed AS (
    -- Where the paying rosters list the person that month, and under which funding sources.
    SELECT p.period, p.worker_key, p.payers,
           list_sort(list_distinct(list(s.region_code))) AS regions,
           list_sort(list_distinct(list(s.funding_source))) AS funding_sources
    FROM payers_by_month p
    JOIN spells s ON s.worker_key = p.worker_key AND list_contains(p.payers, s.payer)
                 AND p.period BETWEEN s.start_period AND s.end_period
    GROUP BY p.period, p.worker_key, p.payers
)
SELECT
    l.period,
    l.regions[1] AS region_code,
    r.region_name,
    array_to_string(l.regions, ',') AS regions,
    l.worker_key,
    array_to_string(l.funding_sources, ',') AS funding_sources,
    array_to_string(l.payers, '; ') AS payers,
    len(l.payers)::INTEGER AS funders,
    ((len(l.payers) - 1) * {{ bpu_contribution('l.period') }})::BIGINT AS double_paid_idr
FROM listed l
JOIN {{ source('ref', 'regions') }} r ON r.region_code = l.regions[1]
ORDER BY l.period, l.regions[1], l.worker_key
