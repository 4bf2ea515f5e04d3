-- core.potential: one potential-workers figure per region x year x segment; a later file revises an earlier one.
SELECT year, region_code, segment, potential_workers, source, file_path
FROM {{ source('staging', 'potential') }}
QUALIFY row_number() OVER (PARTITION BY year, region_code, segment ORDER BY file_path DESC, row_number DESC) = 1
ORDER BY year, region_code, segment
