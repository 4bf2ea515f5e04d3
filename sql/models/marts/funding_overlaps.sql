-- marts.funding_overlaps: workers insured by two or more funders in the same month: a double payment to resolve.
-- Only people with more than one funder can overlap (core.vulnerable_spells counts them); their months paid twice
-- are the intersections of two funders' spells, so only those months are ever expanded.
WITH paid AS (
    -- Each funder's spells of a worker in a region, merged over occupations: one funder never overlaps itself.
    {{ merge_spells("(SELECT * FROM " ~ ref('vulnerable_spells') ~ " WHERE worker_funders > 1)",
                    ['worker_key', 'region_code', 'funding_source']) }}
),
paid_twice AS (
    SELECT a.worker_key, a.region_code, a.funding_source AS first_funder, b.funding_source AS second_funder,
           greatest(a.start_period, b.start_period) AS start_period, least(a.end_period, b.end_period) AS end_period
    FROM paid a
    JOIN paid b ON a.worker_key = b.worker_key AND a.region_code = b.region_code AND a.funding_source < b.funding_source
               AND a.start_period <= b.end_period AND b.start_period <= a.end_period
),
funders_by_month AS (
    -- Three funders in one month are three pairs: their funders, each once.
    SELECT period, region_code, worker_key, list_sort(list_distinct(flatten(list([first_funder, second_funder])))) AS funders
    FROM (
        SELECT unnest(generate_series(start_period, end_period, INTERVAL 1 MONTH))::DATE AS period, region_code,
               worker_key, first_funder, second_funder
        FROM paid_twice
    )
    GROUP BY period, region_code, worker_key
)
SELECT
    f.period,
    f.region_code,
    r.region_name,
    f.worker_key,
    array_to_string(f.funders, ',') AS funding_sources,
    len(f.funders)::INTEGER AS funders,
    ((len(f.funders) - 1) * {{ bpu_contribution('f.period') }})::BIGINT AS double_paid_idr
FROM funders_by_month f
JOIN {{ source('ref', 'regions') }} r USING (region_code)
ORDER BY f.period, f.region_code, f.worker_key
