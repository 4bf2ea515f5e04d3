-- marts.funding_overlaps: workers insured by two or more funders in the same month: a double payment to resolve.
CREATE SCHEMA IF NOT EXISTS marts;

CREATE OR REPLACE TABLE marts.funding_overlaps AS
WITH listed_twice AS (
    -- Only people on two funders' rosters can overlap: find them first, and expand only their spells to months.
    SELECT worker_key FROM core.vulnerable_spells GROUP BY worker_key HAVING count(DISTINCT funding_source) > 1
),
insured_months AS (
    SELECT unnest(generate_series(start_period, end_period, INTERVAL 1 MONTH))::DATE AS period, region_code, worker_key, funding_source
    FROM core.vulnerable_spells SEMI JOIN listed_twice USING (worker_key)
)
SELECT
    v.period,
    v.region_code,
    r.region_name,
    v.worker_key,
    string_agg(DISTINCT v.funding_source, ',' ORDER BY v.funding_source) AS funding_sources,
    count(DISTINCT v.funding_source)::INTEGER AS funders,
    ((count(DISTINCT v.funding_source) - 1) * 16800)::BIGINT AS double_paid_idr
FROM insured_months v
JOIN ref.regions r USING (region_code)
GROUP BY v.period, v.region_code, r.region_name, v.worker_key
HAVING count(DISTINCT v.funding_source) > 1
ORDER BY v.period, v.region_code, v.worker_key;

COMMENT ON TABLE marts.funding_overlaps IS 'Workers whom two or more funders insure in the same month: one row per period x region_code x worker_key, for the funders to resolve (a double payment is real money).';
COMMENT ON COLUMN marts.funding_overlaps.period IS 'First day of the month';
COMMENT ON COLUMN marts.funding_overlaps.region_code IS 'Kemendagri code of the kab/kota on the rosters';
COMMENT ON COLUMN marts.funding_overlaps.region_name IS 'Official region name';
COMMENT ON COLUMN marts.funding_overlaps.worker_key IS 'Pseudonym of the worker (never the NIK); the funders can match it with the same key';
COMMENT ON COLUMN marts.funding_overlaps.funding_sources IS 'The funders, sorted and comma-separated, e.g. APBD,DBHCHT';
COMMENT ON COLUMN marts.funding_overlaps.funders IS 'How many funders pay for the worker that month';
COMMENT ON COLUMN marts.funding_overlaps.double_paid_idr IS 'Contribution paid more than once: (funders - 1) x Rp16.800';
