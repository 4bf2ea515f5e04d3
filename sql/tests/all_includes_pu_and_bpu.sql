-- Warn check on marts.coverage: every row returned is a figure to look at; it blocks nothing.
{{ config(severity='warn', meta={'description': 'An ALL figure includes both PU and BPU. ALL is the sum of the segments reported and keeps its coverage_pct; one without PU or BPU is listed here because it may understate coverage.'}) }}
SELECT period, region_code, region_name, segments_reported, active_participants, workforce, coverage_pct
FROM {{ ref('coverage') }}
WHERE segment = 'ALL'
AND NOT (list_contains(string_split(segments_reported, ','), 'PU')
AND list_contains(string_split(segments_reported, ','), 'BPU'))
ORDER BY period, region_code
