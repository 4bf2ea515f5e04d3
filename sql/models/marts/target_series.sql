-- marts.target_series: the monthly series each target is measured on, one row per target x month with data. The
-- status in marts.target_progress and the chart in the report are both made from these rows, so they cannot differ.
SELECT t.target_id, c.period,
       CASE t.metric WHEN 'coverage_pct' THEN c.coverage_pct ELSE c.active_participants END::DOUBLE AS value,
       c.active_participants::DOUBLE AS people,
       c.workforce::DOUBLE AS workforce,
       'marts.coverage' AS measured_in
FROM {{ ref('targets') }} t
JOIN {{ ref('coverage') }} c ON c.region_code = t.region_code AND c.segment = t.segment
WHERE t.funding_source IS NULL
UNION ALL
-- A funder's target counts the workers its rosters insure in the region (every occupation), not all BPU participants.
SELECT t.target_id, v.period, v.insured_workers::DOUBLE, v.insured_workers::DOUBLE, NULL, 'marts.vulnerable_workers'
FROM {{ ref('targets') }} t
JOIN {{ ref('vulnerable_workers') }} v ON v.region_code = t.region_code AND v.funding_source = t.funding_source AND v.occupation = 'ALL'
WHERE t.funding_source IS NOT NULL AND t.metric = 'active_participants'
ORDER BY target_id, period
