-- dq.file_ledger: one row per raw file seen, for every source in the source registry (pipeline/sources, through the generated macro raw_sources()).
WITH files AS (
    SELECT file_path, sha256, source, rows_read, rows_loaded, rows_rejected, rows_skipped, skipped_detail, status, error, notes,
           loaded_at, modified_at, aliases_used, last_good_sha256
    FROM (
        {% for raw_source in raw_sources() %}
        {{ 'UNION ALL BY NAME' if not loop.first }} SELECT * FROM {{ source('staging', raw_source ~ '_files') }}
        {% endfor %}
    )
),
conflicts AS (
    -- Each file's figures that another file reports differently (dq.conflicting_figures), said on its own line.
    SELECT file_path, string_agg(DISTINCT said, '; ' ORDER BY said) AS conflicts
    FROM (
        SELECT published_file AS file_path,
               count(*) OVER (PARTITION BY published_file, other_file) || ' angka berbeda dengan ' || other_file
               || '; angka file ini yang dipakai (diubah lebih akhir)' AS said
        FROM {{ ref('conflicting_figures') }}
        UNION ALL
        SELECT other_file,
               count(*) OVER (PARTITION BY published_file, other_file) || ' angka berbeda dengan ' || published_file
               || '; angka file itu yang dipakai (diubah lebih akhir)'
        FROM {{ ref('conflicting_figures') }}
    )
    GROUP BY file_path
)
SELECT f.*, c.conflicts
FROM files f LEFT JOIN conflicts c USING (file_path)
ORDER BY source, file_path
