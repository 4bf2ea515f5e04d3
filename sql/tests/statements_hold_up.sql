-- Warn check on marts.statement_checks: every row returned is a figure to look at; it blocks nothing.
{{ config(severity='warn', meta={'description': 'Every published statement holds up: its arithmetic, its segments, its participants and coverage against the warehouse, and its denominator against BPS. A failing statement should not be repeated before it is corrected.'}) }}
SELECT statement_id, region_name, stated_as_of, source, problem_count, verdict
FROM {{ ref('statement_checks') }}
WHERE problem_count > 0
ORDER BY period, region_code
