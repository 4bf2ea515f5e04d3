-- Warn check on core.participation: every row returned is a figure to look at; it blocks nothing.
{{ config(severity='warn', meta={'description': 'Active participants of a region and segment change by at most 20% from one month to the next (complete figures only).'}) }}
SELECT c.period, c.region_code, c.segment, prev.active_participants AS previous_month, c.active_participants, round(100.0 * (c.active_participants - prev.active_participants) / prev.active_participants, 1) AS change_pct
FROM {{ ref('participation') }} c
JOIN {{ ref('participation') }} prev ON prev.region_code = c.region_code
AND prev.segment = c.segment
AND prev.period = c.period - INTERVAL 1 MONTH
WHERE c.is_complete
AND prev.is_complete
AND c.segments_reported = prev.segments_reported
AND prev.active_participants > 0
AND abs(c.active_participants - prev.active_participants) > 0.2 * prev.active_participants
ORDER BY abs(change_pct) DESC
