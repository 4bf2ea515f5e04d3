-- dq.file_ledger: one row per raw file seen, for every source in the source registry (pipeline/sources, through the generated macro raw_sources()).
SELECT file_path, sha256, source, rows_read, rows_loaded, rows_rejected, rows_skipped, skipped_detail, status, error, notes, loaded_at, aliases_used, last_good_sha256
FROM (
    {% for raw_source in raw_sources() %}
    {{ 'UNION ALL BY NAME' if not loop.first }} SELECT * FROM {{ source('staging', raw_source ~ '_files') }}
    {% endfor %}
)
ORDER BY source, file_path
