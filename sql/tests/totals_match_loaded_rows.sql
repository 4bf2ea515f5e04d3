-- Warn check on dq.stated_totals: every row returned is a figure to look at; it blocks nothing.
{{ config(severity='warn', meta={'description': 'Every totals row of a raw file is within 0.5% of the sum of the rows loaded from the same sheet.'}) }}
SELECT file_path, sheet, row_number, label, period, year, segment, stated_value, loaded_sum, round(difference_pct, 2) AS difference_pct
FROM {{ ref('stated_totals') }}
WHERE loaded_sum IS NULL OR abs(difference_pct) > 0.5
ORDER BY file_path, row_number
