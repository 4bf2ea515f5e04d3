-- core.vulnerable_months: one row per month a worker is insured, per region, funding source and occupation.
CREATE SCHEMA IF NOT EXISTS core;

CREATE OR REPLACE TABLE core.vulnerable_months AS
WITH months AS (
    SELECT unnest(generate_series(min(start_period), max(end_period), INTERVAL 1 MONTH))::DATE AS period
    FROM staging.rentan
)
-- DISTINCT: a person listed twice by the same funder in a month is insured once.
SELECT DISTINCT m.period, s.worker_key, s.region_code, r.province_code, s.funding_source, s.occupation
FROM staging.rentan s
JOIN ref.regions r USING (region_code)
JOIN months m ON m.period BETWEEN s.start_period AND s.end_period;

COMMENT ON TABLE core.vulnerable_months IS 'Insured worker-months of the vulnerable-worker rosters: one row per period x worker_key x region x funding source x occupation.';
COMMENT ON COLUMN core.vulnerable_months.period IS 'First day of an insured month';
COMMENT ON COLUMN core.vulnerable_months.worker_key IS 'Pseudonym of the worker (never the NIK)';
COMMENT ON COLUMN core.vulnerable_months.region_code IS 'Kemendagri code of the kab/kota on the roster';
COMMENT ON COLUMN core.vulnerable_months.province_code IS 'Kemendagri code of its province';
COMMENT ON COLUMN core.vulnerable_months.funding_source IS 'APBD | DBHCHT | CSR';
COMMENT ON COLUMN core.vulnerable_months.occupation IS 'Occupation on the roster';
