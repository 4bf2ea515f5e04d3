-- core.vulnerable_spells: each worker's insured spells per region, funding source and occupation: the roster
-- rows of one person merged where they overlap or follow on, so a month is never counted twice.
CREATE SCHEMA IF NOT EXISTS core;

CREATE OR REPLACE TABLE core.vulnerable_spells AS
WITH listed AS (
    SELECT s.worker_key, s.region_code, r.province_code, s.funding_source, s.occupation, s.start_period, s.end_period
    FROM staging.rentan s
    JOIN ref.regions r USING (region_code)
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
GROUP BY worker_key, region_code, province_code, funding_source, occupation, spell;

COMMENT ON TABLE core.vulnerable_spells IS 'Insured spells of the vulnerable-worker rosters: one row per worker_key x region x funding source x occupation x unbroken run of covered months (roster rows that overlap or follow on are merged).';
COMMENT ON COLUMN core.vulnerable_spells.worker_key IS 'Pseudonym of the worker (never the NIK)';
COMMENT ON COLUMN core.vulnerable_spells.region_code IS 'Kemendagri code of the kab/kota on the roster';
COMMENT ON COLUMN core.vulnerable_spells.province_code IS 'Kemendagri code of its province';
COMMENT ON COLUMN core.vulnerable_spells.funding_source IS 'APBD | DBHCHT | CSR';
COMMENT ON COLUMN core.vulnerable_spells.occupation IS 'Occupation on the roster';
COMMENT ON COLUMN core.vulnerable_spells.start_period IS 'First insured month of the spell';
COMMENT ON COLUMN core.vulnerable_spells.end_period IS 'Last insured month of the spell';
COMMENT ON COLUMN core.vulnerable_spells.roster_rows IS 'Roster rows merged into the spell';
