-- Warn check on core.participation: every row returned is a figure to look at; it blocks nothing.
{{ config(severity='warn', meta={'description': 'A province figure reported directly is within 1% of the sum of its kab/kota where both exist.'}) }}
SELECT period, region_code, segment, active_participants AS reported, kabkota_sum, regions_reporting, regions_expected, round(100.0 * (active_participants - kabkota_sum) / kabkota_sum, 2) AS difference_pct
FROM {{ ref('participation') }}
WHERE participants_source = 'reported'
AND kabkota_sum > 0
AND abs(active_participants - kabkota_sum) > 0.01 * kabkota_sum
