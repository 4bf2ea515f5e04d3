-- marts.vulnerable_workers: insured vulnerable workers per period x region x funding source x occupation,
-- with ALL rows that count a person once however many rosters list them, rolled up to province and national.
CREATE SCHEMA IF NOT EXISTS marts;

CREATE OR REPLACE TABLE marts.vulnerable_workers AS
WITH at_levels AS (
    SELECT period, worker_key, region_code AS area, funding_source, occupation FROM core.vulnerable_months
    UNION ALL SELECT period, worker_key, province_code, funding_source, occupation FROM core.vulnerable_months
    UNION ALL SELECT period, worker_key, 'ID', funding_source, occupation FROM core.vulnerable_months
),
cells AS (
    -- Each worker once per period, area and (funding source or ALL) x (occupation or ALL).
    SELECT DISTINCT period, area,
           CASE WHEN grouping(funding_source) = 1 THEN 'ALL' ELSE funding_source END AS funding_source,
           CASE WHEN grouping(occupation) = 1 THEN 'ALL' ELSE occupation END AS occupation,
           worker_key
    FROM at_levels
    GROUP BY GROUPING SETS ((period, area, funding_source, occupation, worker_key), (period, area, funding_source, worker_key),
                            (period, area, occupation, worker_key), (period, area, worker_key))
),
flows AS (
    -- New: insured this month but not the month before; ended: insured this month but not the month after.
    SELECT *,
           lag(period) OVER w IS DISTINCT FROM period - INTERVAL 1 MONTH AS is_new,
           lead(period) OVER w IS DISTINCT FROM period + INTERVAL 1 MONTH AS is_ending
    FROM cells
    WINDOW w AS (PARTITION BY area, funding_source, occupation, worker_key ORDER BY period)
)
SELECT
    f.period,
    f.area AS region_code,
    r.region_name,
    r.region_level,
    r.province_code,
    f.funding_source,
    f.occupation,
    count(*)::BIGINT AS insured_workers,
    count(*) FILTER (WHERE is_new)::BIGINT AS new_workers,
    count(*) FILTER (WHERE is_ending)::BIGINT AS ended_workers,
    count(*)::BIGINT * 16800 AS contribution_idr
FROM flows f
JOIN ref.regions r ON r.region_code = f.area
GROUP BY f.period, f.area, r.region_name, r.region_level, r.province_code, f.funding_source, f.occupation
ORDER BY f.period, f.area = 'ID' DESC, f.area, f.funding_source, f.occupation;

COMMENT ON TABLE marts.vulnerable_workers IS 'Vulnerable workers (pekerja rentan) whose BPU JKK+JKM contributions a government or CSR pays: one row per period x region_code x funding_source x occupation. ALL rows count a person once, however many rosters list them.';
COMMENT ON COLUMN marts.vulnerable_workers.period IS 'First day of the month';
COMMENT ON COLUMN marts.vulnerable_workers.region_code IS 'Kemendagri code of the roster''s kab/kota, its province, or ID';
COMMENT ON COLUMN marts.vulnerable_workers.region_name IS 'Official region name';
COMMENT ON COLUMN marts.vulnerable_workers.region_level IS 'national | province | regency | city';
COMMENT ON COLUMN marts.vulnerable_workers.province_code IS 'Kemendagri code of the province (NULL for national)';
COMMENT ON COLUMN marts.vulnerable_workers.funding_source IS 'APBD | DBHCHT | CSR | ALL';
COMMENT ON COLUMN marts.vulnerable_workers.occupation IS 'Occupation on the roster, or ALL';
COMMENT ON COLUMN marts.vulnerable_workers.insured_workers IS 'Distinct workers insured in the month';
COMMENT ON COLUMN marts.vulnerable_workers.new_workers IS 'Insured this month but not the month before';
COMMENT ON COLUMN marts.vulnerable_workers.ended_workers IS 'Insured this month but not the month after (their cover ends)';
COMMENT ON COLUMN marts.vulnerable_workers.contribution_idr IS 'Contribution owed for the month: insured_workers x Rp16.800 (BPU JKK+JKM)';
