-- Warn check on marts.coverage_potential: every row returned is a figure to look at; it blocks nothing.
{{ config(severity='warn', meta={'description': 'A potential-worker denominator is not larger than all employed persons BPS counts in the region.'}) }}
SELECT period, region_code, region_name, segment, active_participants, workforce AS potential_workers, denominator_source, bps_employed, bps_year, round(coverage_pct, 2) AS coverage_pct
FROM {{ ref('coverage_potential') }}
WHERE exceeds_bps_employed
ORDER BY period, region_code
