-- dq.rejected_rows: quarantined rows of every source in the source registry (pipeline/sources), one per broken row, with a reason a person can act on.
SELECT source, file_path, sheet, row_number, column_name, value, check_name, reason
FROM (
    {% for raw_source in raw_sources() %}
    {{ 'UNION ALL BY NAME' if not loop.first }} SELECT * FROM {{ source('staging', raw_source ~ '_quarantine') }}
    {% endfor %}
)
ORDER BY source, file_path, sheet, row_number
