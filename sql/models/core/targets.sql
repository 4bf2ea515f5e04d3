-- core.targets: one row per target_id; a later file revises an earlier one.
SELECT target_id, region_code, segment, metric, target_value, deadline, baseline_period, funding_source, denominator, budget_idr, source, file_path
FROM {{ source('staging', 'targets') }}
QUALIFY row_number() OVER (PARTITION BY target_id ORDER BY file_path DESC, row_number DESC) = 1
ORDER BY target_id
