-- core.vulnerable_spells: each worker's insured spells per region, payer and occupation: the roster
-- rows of one person merged where they overlap or follow on, so a month is never counted twice. The only pass of
-- the roster models over every roster row: it also says which workers have more than one spell or funder, so that
-- marts.vulnerable_workers and marts.funding_overlaps work on those few alone.
WITH listed AS (
    -- The payer: the funding source and who pays it, as the roster names it ("APBD Kota Pasuruan"); spaces and case
    -- do not make another payer.
    SELECT s.worker_key, s.region_code, r.province_code, s.funding_source,
           upper(s.funding_source || coalesce(' ' || nullif(trim(regexp_replace(s.funder, '\s+', ' ', 'g')), ''), '')) AS payer,
           s.occupation, s.start_period, s.end_period
    FROM {{ source('staging', 'rentan') }} s
    JOIN {{ source('ref', 'regions') }} r USING (region_code)
),
listed_more_than_once AS (
    -- Most people are listed once: only the others have rows to merge, spells to combine or funders to compare.
    SELECT worker_key FROM listed GROUP BY worker_key HAVING count(*) > 1
),
merged AS (
    {{ merge_spells('listed SEMI JOIN listed_more_than_once USING (worker_key)',
                    ['worker_key', 'region_code', 'province_code', 'funding_source', 'payer', 'occupation']) }}
),
several AS (
    SELECT worker_key, count(*) AS spells, count(DISTINCT payer) AS funders FROM merged GROUP BY worker_key
)
SELECT worker_key, region_code, province_code, funding_source, payer, occupation, start_period, end_period,
       1 AS roster_rows, 1 AS worker_spells, 1 AS worker_funders
FROM listed ANTI JOIN listed_more_than_once USING (worker_key)
UNION ALL
SELECT m.worker_key, region_code, province_code, funding_source, payer, occupation, start_period, end_period, roster_rows,
       s.spells AS worker_spells, s.funders AS worker_funders
FROM merged m JOIN several s USING (worker_key)
