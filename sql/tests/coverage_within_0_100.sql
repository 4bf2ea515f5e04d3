-- Warn check on marts.coverage: every row returned is a figure to look at; it blocks nothing.
{{ config(severity='warn', meta={'description': 'coverage_pct lies within 0-100. A figure above 100 is kept in the table and flagged here: a denominator or a participant count is wrong.'}) }}
SELECT period, region_code, region_name, segment, active_participants, workforce, workforce_year, coverage_pct
FROM {{ ref('coverage') }}
WHERE coverage_pct < 0 OR coverage_pct > 100
ORDER BY coverage_pct DESC
