-- marts.funding_overlaps: workers insured by two or more funders in the same month: a double payment to resolve.
WITH listed_twice AS (
    -- Only people on two funders' rosters can overlap: find them first, and expand only their spells to months.
    SELECT worker_key FROM {{ ref('vulnerable_spells') }} GROUP BY worker_key HAVING count(DISTINCT funding_source) > 1
),
insured_months AS (
    SELECT unnest(generate_series(start_period, end_period, INTERVAL 1 MONTH))::DATE AS period, region_code, worker_key, funding_source
    FROM {{ ref('vulnerable_spells') }} SEMI JOIN listed_twice USING (worker_key)
)
SELECT
    v.period,
    v.region_code,
    r.region_name,
    v.worker_key,
    string_agg(DISTINCT v.funding_source, ',' ORDER BY v.funding_source) AS funding_sources,
    count(DISTINCT v.funding_source)::INTEGER AS funders,
    ((count(DISTINCT v.funding_source) - 1) * {{ bpu_contribution('v.period') }})::BIGINT AS double_paid_idr
FROM insured_months v
JOIN {{ source('ref', 'regions') }} r USING (region_code)
GROUP BY v.period, v.region_code, r.region_name, v.worker_key
HAVING count(DISTINCT v.funding_source) > 1
ORDER BY v.period, v.region_code, v.worker_key
